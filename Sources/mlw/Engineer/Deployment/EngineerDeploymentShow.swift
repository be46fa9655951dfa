import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "What serves a target and at which share, what a rollback goes to, the open considerations, the history.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The target.") var target: String

    func execute(_ context: CommandContext) throws -> DeploymentOutput {
      let workspace = try context.requireWorkspace()
      let history = try workspace.deploymentHistory(target)
      return try DeploymentOutput(stored: history.last!, history: history, verb: nil, workspace: workspace)
    }
  }
}
