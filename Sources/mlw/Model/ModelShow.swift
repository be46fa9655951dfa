import ArgumentParser
import Lifecycle

extension Mlw.Model {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A model version: its run, artifact, evaluations, card and sign-off.")
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME, NAME@VERSION or NAME@ALIAS (NAME alone: the latest version).") var model: String

    func execute(_ context: CommandContext) throws -> ModelOutput { try Mlw.Engineer.Model.Show.show(model, context) }
  }
}
