import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Errors {
  struct Report: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract: "Per tag: share of data and of errors, the model's and human accuracy, the gap, and the potential gain, best first.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The evaluated split.") var split: String

    func execute(_ context: CommandContext) throws -> ErrorReportOutput {
      ErrorReportOutput(report: try context.requireWorkspace().errorReport(run: id, split: split))
    }
  }
}
