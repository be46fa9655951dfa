import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Monitor {
  struct Reference: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "reference",
      abstract: "Record the reference sample of a target's inputs (CSV; by convention the training data's features). Versioned.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String
    @Argument(help: "The reference sample, CSV with a header row.") var file: InputFile
    @Option(help: "Why; recorded in the history.") var message: String?

    struct Output: CommandOutput {
      var target: String
      var version: Int
      var reference: MonitorReference

      func render() -> String {
        "recorded the reference of \(target), v\(version): \(reference.rows) rows, \(reference.columns.count) columns (\(reference.columns.joined(separator: ", ")))\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let (reference, version) = try context.requireWorkspace().setMonitorReference(
        target, file: try context.path(reading: file), given: file.given, actor: try context.requireActor(), message: message, now: context.now)
      return Output(target: target, version: version, reference: reference)
    }
  }
}
