import ArgumentParser
import Lifecycle
import Statistics

extension Mlw.Engineer.Monitor {
  struct Window: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "window",
      abstract: "Compare a production sample with the reference: drift per column and for the dataset, new values, prediction drift.",
      discussion: "The sample has the reference's columns, optionally a prediction column and an id column (for labels that arrive later). "
        + Statistics.Drift.defaultRule + ". --correction bh (default) or bonferroni corrects across the columns whose test gives a p-value; "
        + "distance-based tests keep their thresholds.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String
    @Option(help: "The window's name, e.g. 2027-03-w1.") var name: String
    @Argument(help: "The production sample, CSV with a header row.") var file: InputFile
    @Option(help: "The column that identifies rows (default: id, when there is one).") var idColumn: String?
    @Option(help: "bh, bonferroni or none, across the columns tested by p-value.") var correction: Correction = .bh
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> WindowOutput {
      let workspace = try context.requireWorkspace()
      let window = try workspace.recordWindow(
        target, name: name, file: try context.path(reading: file), given: file.given, idColumn: idColumn, correction: correction,
        actor: try context.requireActor(), message: message, now: context.now)
      return WindowOutput(target: target, name: name, window: window, alerts: try workspace.monitorState(target).alerts)
    }
  }
}
