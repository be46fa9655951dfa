import ArgumentParser
import Lifecycle

extension Mlw.Sme {
  struct Adjudicate: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "adjudicate", abstract: "Record the consensus label of an item and the reason, as the domain expert.")
    static let access = Access.roles([.sme, .manager])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AdjudicateOptions

    func execute(_ context: CommandContext) throws -> AdjudicationOutput { try adjudicate(options, context) }
  }
}
