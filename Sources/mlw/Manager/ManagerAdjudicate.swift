import ArgumentParser
import Lifecycle

extension Mlw.Manager {
  struct Adjudicate: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "adjudicate", abstract: "Record the consensus label of an item and the reason.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AdjudicateOptions

    func execute(_ context: CommandContext) throws -> AdjudicationOutput { try adjudicate(options, context) }
  }
}
