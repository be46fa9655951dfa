import ArgumentParser
import Lifecycle

extension Mlw.Sme.Baseline {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record a baseline: human level (the SME's), or literature, quick-and-dirty, older-system, rule-based (the engineer's).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BaselineOptions

    func execute(_ context: CommandContext) throws -> BaselineOutput {
      try addBaseline(options, context)
    }
  }
}
