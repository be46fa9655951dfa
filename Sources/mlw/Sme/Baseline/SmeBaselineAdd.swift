import ArgumentParser
import Lifecycle

extension Mlw.Sme.Baseline {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record a human-level baseline: its quality-ladder step, how it was measured, its figures.")
    static let access = Access.roles([.sme])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BaselineOptions

    func execute(_ context: CommandContext) throws -> BaselineOutput {
      try addBaseline(options, context, humanLevel: true)
    }
  }
}
