import ArgumentParser
import Lifecycle

extension Mlw.Sme {
  struct Disagreements: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "disagreements", abstract: "The queue of items whose labels disagree, most split first.")
    static let access = Access.roles([.sme, .manager])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DisagreementsOptions

    func execute(_ context: CommandContext) throws -> DisagreementsOutput { try listDisagreements(options, context) }
  }
}
