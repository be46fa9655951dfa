import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct History: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "history",
      abstract: "Every point of one metric of a run, in the order logged: step, value, time (to plot a curve, or read where it diverged).")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Argument(help: "The metric: <split>.<name> when logged with a split (train.loss, dev.f1), else <name>.") var metric: String

    func execute(_ context: CommandContext) throws -> MetricHistoryOutput {
      MetricHistoryOutput(history: try context.requireWorkspace().metricHistory(id, name: metric))
    }
  }
}
