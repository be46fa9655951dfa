import ArgumentParser
import Lifecycle

extension Mlw.Lead {
  struct Diagnose: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "diagnose",
      abstract: "Avoidable bias and variance against human level, which dominates, and what to do next.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DiagnoseOptions

    func execute(_ context: CommandContext) throws -> DiagnosisOutput { try diagnose(options, context) }
  }
}
