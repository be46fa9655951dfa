import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Model {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A model version: its run, artifact, evaluations, card and sign-off.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS (NAME alone: the latest version).") var model: String

    func execute(_ context: CommandContext) throws -> ModelOutput { try Self.show(model, context) }

    static func show(_ model: String, _ context: CommandContext) throws -> ModelOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.model(model)
      return ModelOutput(stored: stored, approval: try workspace.approval(stored.reference), verb: nil)
    }
  }
}
