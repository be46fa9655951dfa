import ArgumentParser
import Lifecycle

extension Mlw.Manager.Labels {
  struct Import: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Import labels into a dataset's label logs, one per annotator; every label is checked against the schema first.",
      discussion: """
        Label Studio: a task becomes the item named by its data.id (--item-field NAME for another field; the task id when \
        the field is absent); completed_by becomes a member: through --annotators FILE (CSV labelstudio,member, where \
        labelstudio is a Label Studio user id or e-mail), else the part of the e-mail before @ when it names a member (a \
        bare user id is resolved through the e-mail the export gives for it elsewhere); users that match no member are \
        listed and nothing is imported. choices (or a rating) become the label; cancelled annotations are left out; each \
        label keeps its created_at and records the guideline version in force then (external when there was none). \
        CSV or JSON Lines: columns item,annotator,label, labels external and dated now. Any bad row imports nothing.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset the labels belong to (imported into mlw first).", completion: Completions.datasets) var dataset: String
    @Argument(help: "The file.") var file: InputFile
    @Option(help: "csv or label-studio.") var format: LabelImportFormat = .csv
    @Option(help: "Label Studio: the field of a task's data that holds the item id (default: id).") var itemField: String?
    @Option(help: "Label Studio: a CSV labelstudio,member mapping user ids or e-mails to members.") var annotators: InputFile?
    @Flag(help: "Import labels that replace labels their members gave already (refused without it).") var replace = false

    func validate() throws {
      if format != .labelStudio, itemField != nil || annotators != nil {
        throw ValidationError("--item-field and --annotators are for --format label-studio")
      }
      if let itemField, itemField.isEmpty { throw ValidationError("--item-field names a field of the tasks' data") }
    }

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
        let versions = result.underGuidelines.keys.sorted { Int($0)! < Int($1)! }.map { "v\($0) \(result.underGuidelines[$0]!)" }
        let guidelines = (versions + (result.external > 0 ? ["external \(result.external)"] : [])).joined(separator: ", ")
        return "imported \(result.labels) labels of \(result.items) items into \(result.dataset): \(perAnnotator)\(resumed)\n"
          + "guidelines in force when they were made: \(guidelines)\n"
          + (result.replaced > 0 ? "\(result.replaced) of them replaced labels their members had given (--replace)\n" : "")
          + "import \(result.id); measure them: mlw manager report \(result.dataset)\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      let path = try context.path(reading: file)
      let labels: [ImportedLabel]
      switch format {
      case .csv: labels = try ImportedLabel.read(file: path)
      case .labelStudio:
        let members = Swift.Set(try workspace.record().0.members.keys)
        let users = try annotators.map { try LabelStudioMapping.users(file: try context.path(reading: $0), members: members) } ?? [:]
        labels = try ImportedLabel.readLabelStudio(
          file: path,
          mapping: LabelStudioMapping(itemField: itemField, users: users, members: members, latestTime: context.now.addingTimeInterval(86_400)))
      }
      return Output(
        result: try workspace.importLabels(
          dataset, labels, file: file.given, format: format, replacing: replace, actor: try context.requireActor(), now: context.now))
    }
  }
}
