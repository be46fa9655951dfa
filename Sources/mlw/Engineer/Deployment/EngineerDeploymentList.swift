import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(commandName: "list", abstract: "Every deployment target and what serves it.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> DeploymentListOutput { try DeploymentListOutput(workspace: try context.requireWorkspace()) }
  }
}
