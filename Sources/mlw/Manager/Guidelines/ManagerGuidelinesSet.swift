import ArgumentParser
import Lifecycle

extension Mlw.Manager.Guidelines {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Publish a new guideline version: the summary, and for one label its definition, examples and edge-case rules.",
      discussion: "Options for a label replace that label's section; other labels keep theirs. --message says what changed.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "What the task is about, for every annotator.") var summary: String?
    @Option(help: "The label whose section this changes.") var label: String?
    @Option(help: "The label's definition.") var definition: String?
    @Option(name: .customLong("positive"), help: "An example that is this label (repeatable).") var positive: [String] = []
    @Option(name: .customLong("negative"), help: "An example that is not this label (repeatable).") var negative: [String] = []
    @Option(name: .customLong("rule"), help: "An edge-case rule (repeatable).") var rules: [String] = []
    @Option(help: "What changed in this version (required).") var message: String
    @Option(help: "Fail unless the guidelines are still at this version.") var ifVersion: Int?

    func validate() throws {
      if label == nil, definition != nil || !positive.isEmpty || !negative.isEmpty || !rules.isEmpty {
        throw ValidationError("--definition, --positive, --negative and --rule describe a label: name it with --label")
      }
      if label == nil, summary == nil { throw ValidationError("give --summary, or --label with its section") }
    }

    func execute(_ context: CommandContext) throws -> GuidelinesOutput {
      let workspace = try context.requireWorkspace()
      let schema = try workspace.requireLabelSchema()
      _ = try workspace.updateGuidelines(actor: try context.requireActor(), message: message, ifVersion: ifVersion, now: context.now) { g in
        if let summary { g.summary = summary }
        if let label {
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
