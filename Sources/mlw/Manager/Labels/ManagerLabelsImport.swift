import ArgumentParser
import Lifecycle

extension Mlw.Manager.Labels {
  struct Import: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Import labels into a dataset's label logs, one per annotator; every label is checked against the schema first.",
      discussion: """
        Label Studio: tasks become items by their id, completed_by becomes the annotator (ls-<id>, or the part of the \
        e-mail before @), choices (or a rating) the label; cancelled annotations are left out. CSV or JSON Lines: \
        columns item,annotator,label. Any bad row imports nothing.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset the labels belong to (imported into mlw first).", completion: Completions.datasets) var dataset: String
    @Argument(help: "The file.") var file: InputFile
    @Option(help: "csv or label-studio.") var format: LabelImportFormat = .csv

    struct Output: CommandOutput {
      var result: Workspace.LabelImportResult

      func encode(to encoder: any Encoder) throws { try result.encode(to: encoder) }

      func render() -> String {
        let perAnnotator = result.annotators.keys.sorted().map { "\($0) \(result.annotators[$0]!)" }.joined(separator: ", ")
        if result.alreadyImported {
          return "import \(result.id) of these \(result.labels) labels into \(result.dataset) is already complete: nothing added\n"
        }
        let resumed =
          result.added < result.labels
          ? " (\(result.labels - result.added) were written by an earlier run that was cut short; this run completed it)" : ""
        return "imported \(result.labels) labels of \(result.items) items into \(result.dataset): \(perAnnotator)\(resumed)\n"
          + "import \(result.id); measure them: mlw manager report \(result.dataset)\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let labels = try ImportedLabel.read(file: try context.path(reading: file), format: format)
      return Output(
        result: try context.requireWorkspace().importLabels(
          dataset, labels, file: file.given, format: format, actor: try context.requireActor(), now: context.now))
    }
  }
}
