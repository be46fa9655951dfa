import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Evaluation: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "evaluation", abstract: "A run's evaluation on a split, as `evaluate` printed it, and the diagnosis.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The split.") var split: String

    func execute(_ context: CommandContext) throws -> EvaluationOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.evaluation(of: id, split: split)
      let (diagnosis, note) = try workspace.runDiagnosis(id)
      return EvaluationOutput(stored: stored, diagnosis: diagnosis, diagnosisNote: note)
    }
  }
}
