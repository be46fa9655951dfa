import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct Promote: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "promote", abstract: "Give a target's canary all traffic (its sign-off must still hold).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The target.") var target: String
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> DeploymentOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.promoteDeployment(target, actor: try context.requireActor(), message: message, now: context.now)
      return try DeploymentOutput(stored: stored, history: [], verb: stored.message, workspace: workspace)
    }
  }
}
