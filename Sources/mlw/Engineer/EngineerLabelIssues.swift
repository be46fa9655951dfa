import ArgumentParser
import Lifecycle

extension Mlw.Engineer {
  struct LabelIssues: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "label-issues",
      abstract:
        "Items whose label is likely wrong, by confident learning on an evaluation's class probabilities; --send-to-review puts them in the manager's disagreement queue."
    )
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The evaluated split (its predictions need proba[<label>] columns).") var split: String
    @Flag(help: "Flag the issues for review: they join the disagreement queue until adjudicated.") var sendToReview = false
    @Option(help: "Show at most this many issues in the text (0: all).") var limit = 50

    func execute(_ context: CommandContext) throws -> LabelIssuesOutput {
      guard limit >= 0 else { throw LifecycleError.invalidValue(what: "--limit", reason: "\(limit) is below 0") }
      let report = try context.requireWorkspace().labelIssues(
        run: id, split: split, sendToReview: sendToReview, actor: context.actor, now: context.now)
      return LabelIssuesOutput(report: report, limit: limit)
    }
  }
}
