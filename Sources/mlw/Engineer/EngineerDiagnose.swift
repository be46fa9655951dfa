import ArgumentParser
import Lifecycle

extension Mlw.Engineer {
  struct Diagnose: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "diagnose",
      abstract: "Avoidable bias and variance against human level, which dominates, and what to do next.")
    static let access = Access.roles([.engineer])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DiagnoseOptions

    func execute(_ context: CommandContext) throws -> DiagnosisOutput { try diagnose(options, context) }
  }
}
