import ArgumentParser
import Lifecycle

extension Mlw.Manager.Guidelines {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Publish a new guideline version: the whole guideline from a file, or the summary and one label's section.",
      discussion: """
        --file replaces the whole guideline (Markdown: a summary, then a '## LABEL' section per label with its definition and \
        'Positive:', 'Negative:' and 'Rules:' lists; or JSON; 'mlw manager guidelines show --format md' writes the current one). \
        Without it, options for one --label replace parts of that label's section; every other label keeps its section. \
        --message says what changed.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "What the task is about, for every annotator.") var summary: String?
    @Option(help: "The whole guideline: Markdown or JSON (see the discussion).") var file: InputFile?
    @Option(help: "The label whose section this changes (one per call; several at once: --file).") var label: [String] = []
    @Option(help: "The label's definition.") var definition: [String] = []
    @Option(name: .customLong("positive"), help: "An example that is this label (repeatable).") var positive: [String] = []
    @Option(name: .customLong("negative"), help: "An example that is not this label (repeatable).") var negative: [String] = []
    @Option(name: .customLong("rule"), help: "An edge-case rule (repeatable).") var rules: [String] = []
    @Option(help: "What changed in this version (required).") var message: String
    @Option(help: "Fail unless the guidelines are still at this version.") var ifVersion: Int?

    func validate() throws {
      let sectionGiven = !definition.isEmpty || !positive.isEmpty || !negative.isEmpty || !rules.isEmpty
      if file != nil {
        if summary != nil || !label.isEmpty || sectionGiven {
          throw ValidationError("--file holds the whole guideline; edit the file rather than adding --summary or --label to it")
        }
        return
      }
      if label.count > 1 || definition.count > 1 {
        throw ValidationError(
          "one --label per call (which --positive belongs to which --label is lost on the command line); "
            + "for several labels write the guideline in a file: mlw manager guidelines show --format md > g.md, edit, --file g.md")
      }
      if label.isEmpty, sectionGiven {
        throw ValidationError("--definition, --positive, --negative and --rule describe a label: name it with --label")
      }
      if label.isEmpty, summary == nil { throw ValidationError("give --file, --summary, or --label with its section") }
    }

    func execute(_ context: CommandContext) throws -> GuidelinesOutput {
      let workspace = try context.requireWorkspace()
      let schema = try workspace.requireLabelSchema()
      let document = try file.map { try Guidelines.document(file: try context.path(reading: $0), schema: schema) }
      _ = try workspace.updateGuidelines(actor: try context.requireActor(), message: message, ifVersion: ifVersion, now: context.now) { g in
        if let document {
          g = document
          return
        }
        if let summary { g.summary = summary }
        if let label = label.first {
          let definition = definition.first
          let fallback = schema.labels.first { $0.name == label }?.definition ?? ""
          let old = g.labels[label]
          g.labels[label] = .init(
            definition: definition ?? old?.definition ?? fallback, positive: positive.isEmpty ? old?.positive ?? [] : positive,
            negative: negative.isEmpty ? old?.negative ?? [] : negative, rules: rules.isEmpty ? old?.rules ?? [] : rules)
        }
      }
      return try showGuidelines(context, version: nil)
    }
  }
}
