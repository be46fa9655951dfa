import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct Check: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Record one consideration before deploying: done, n/a or open, with a note; who checked it is recorded.",
      discussion: "The considerations: "
        + Lifecycle.Deployment.considerations.map { "\($0.id) (\($0.text))" }.joined(separator: ", ") + ".")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The target.") var target: String
    @Argument(help: "The consideration, e.g. feedback-loops.") var item: String
    @Option(help: "done, n/a or open.") var status: String
    @Option(help: "What was done, or why it does not apply.") var note: String?

    func execute(_ context: CommandContext) throws -> DeploymentOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.checkDeployment(
        target, item: item, status: status, note: note, actor: try context.requireActor(), now: context.now)
      return try DeploymentOutput(stored: stored, history: [], verb: stored.message, workspace: workspace)
    }
  }
}
