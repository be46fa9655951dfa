import ArgumentParser
import Lifecycle

extension Mlw.Lead.Feasibility {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show every answer, the driver and overall scores, disagreements and history.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> FeasibilityOutput { try FeasibilityCommands.show(context) }
  }
}
