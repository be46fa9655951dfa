import ArgumentParser
import Lifecycle

extension Mlw.Lead.Feasibility {
  struct Score: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "score", abstract: "Record your answers (merged with your earlier ones) as a new version.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: FeasibilityScoreOptions

    func execute(_ context: CommandContext) throws -> FeasibilityOutput { try FeasibilityCommands.score(options, context) }
  }
}
