import ArgumentParser
import Lifecycle
import Statistics

extension Mlw.Manager.Schema {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Set the task, the labels (in order, lowest first for an ordinal scale) with their definitions, and the level.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "single-label, multi-label or ordinal.") var task: LabelSchema.Task
    @Option(name: .customLong("label"), help: "A label as NAME=DEFINITION (repeatable; in order).") var labels: [String] = []
    @Option(help: "The measurement level for agreement (default: nominal, ordinal for an ordinal task).") var level: MeasurementLevel?
    @Option(help: "Why; recorded in the history.") var message: String?
    @Option(help: "Fail unless the schema is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> LabelSchemaOutput {
      let parsed = try labels.map { text -> LabelSchema.Label in
        let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
        guard parts.count == 2 else { throw LifecycleError.invalidValue(what: "--label", reason: "'\(text)' is not NAME=DEFINITION") }
        return .init(name: parts[0].trimmingCharacters(in: .whitespaces), definition: parts[1].trimmingCharacters(in: .whitespaces))
      }
      let schema = LabelSchema(task: task, labels: parsed, level: level ?? (task == .ordinal ? .ordinal : .nominal))
      let version = try context.requireWorkspace().setLabelSchema(
        schema, actor: try context.requireActor(), message: message, ifVersion: ifVersion, now: context.now)
      return LabelSchemaOutput(version: version, schema: schema)
    }
  }
}
