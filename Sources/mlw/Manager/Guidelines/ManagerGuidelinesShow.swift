import ArgumentParser
import Lifecycle

extension Mlw.Manager.Guidelines {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the guidelines (the latest version, or --version N).")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Option(help: "Show this version instead of the latest.") var version: Int?

    func execute(_ context: CommandContext) throws -> GuidelinesOutput { try showGuidelines(context, version: version) }
  }
}
