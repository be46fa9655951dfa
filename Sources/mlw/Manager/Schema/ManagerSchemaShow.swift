import ArgumentParser
import Lifecycle

extension Mlw.Manager.Schema {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the label schema.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> LabelSchemaOutput {
      guard let (schema, version) = try context.requireWorkspace().labelSchema() else { throw AnnotationError.noLabelSchema }
      return LabelSchemaOutput(version: version, schema: schema)
    }
  }
}
