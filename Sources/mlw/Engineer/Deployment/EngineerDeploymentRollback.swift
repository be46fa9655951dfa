import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct Rollback: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rollback", abstract: "Roll a target back: drop its canary, or go back to the version that served all traffic before.",
      discussion: """
        Without --to: with a canary, the canary is withdrawn and the version serving the rest gets all traffic; \
        without one, the version that served all traffic before the current one comes back. --to NAME@V names a \
        version that served this target before, or one whose sign-off holds.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The target.") var target: String
    @Option(help: "NAME@VERSION to go back to.") var to: String?
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> DeploymentOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.rollbackDeployment(
        target, to: to, actor: try context.requireActor(), message: message, now: context.now)
      return try DeploymentOutput(stored: stored, history: [], verb: stored.message, workspace: workspace)
    }
  }
}
