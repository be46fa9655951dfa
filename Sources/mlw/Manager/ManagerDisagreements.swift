import ArgumentParser
import Lifecycle

extension Mlw.Manager {
  struct Disagreements: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "disagreements", abstract: "The queue of items whose labels disagree, most split first.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DisagreementsOptions

    func execute(_ context: CommandContext) throws -> DisagreementsOutput { try listDisagreements(options, context) }
  }
}
