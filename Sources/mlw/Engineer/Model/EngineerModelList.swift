import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Model {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "Every registered model: its latest version, aliases, run and sign-off.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> ModelListOutput { try ModelListOutput(workspace: try context.requireWorkspace()) }
  }
}
