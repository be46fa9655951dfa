import ArgumentParser
import Lifecycle

extension Mlw.Sme.Feasibility {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show every answer, the driver and overall scores, disagreements and history.")
    static let access = Access.roles([.sme])

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> FeasibilityOutput { try FeasibilityCommands.show(context) }
  }
}
