import ArgumentParser
import Lifecycle

extension Mlw.Lead.Readiness {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the 28 tests, the section sums, the score and its band.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> ReadinessOutput {
      let (record, version) = try context.requireWorkspace().readiness()
      return ReadinessOutput(version: version, readiness: record)
    }
  }
}
