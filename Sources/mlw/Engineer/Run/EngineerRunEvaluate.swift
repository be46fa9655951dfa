import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Evaluate: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "evaluate",
      abstract: "Evaluate a run on a split from its predictions: the classification report, the score under the metric policy, the baselines.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The split the predictions are for (its items, each once).") var split: String
    @Option(help: "CSV or JSON Lines: item, prediction, and optionally truth, score or proba[<label>] columns, slice columns.")
    var predictions: InputFile
    @Option(name: .customLong("slice"), help: ArgumentHelp("A column to report figures per value of (1,000 values at most).", valueName: "column"))
    var slices: [String] = []
    @Option(help: "The class a score column is the score of (binary).") var positive: String?
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> EvaluationOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.evaluateRun(
        id, split: split, predictions: try context.path(reading: predictions), given: predictions.given, slices: slices, positive: positive,
        actor: try context.requireActor(), message: message, now: context.now)
      let (diagnosis, note) = try workspace.runDiagnosis(id)
      return EvaluationOutput(stored: stored, diagnosis: diagnosis, diagnosisNote: note)
    }
  }
}
