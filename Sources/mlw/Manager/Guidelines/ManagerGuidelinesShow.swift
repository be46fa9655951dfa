import ArgumentParser
import Lifecycle

extension Mlw.Manager.Guidelines {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show the guidelines (the latest version, or --version N); --format md writes the document 'guidelines set --file' reads.")
    static let effect = Effect.reads

    enum Format: String, ExpressibleByArgument, CaseIterable {
      case text, md
    }

    @OptionGroup var global: GlobalOptions
    @Option(help: "Show this version instead of the latest.") var version: Int?
    @Option(help: "text (default) or md: the Markdown guideline document, to edit and submit with 'guidelines set --file'.")
    var format: Format = .text

    func execute(_ context: CommandContext) throws -> GuidelinesOutput {
      var output = try showGuidelines(context, version: version)
      output.markdown = format == .md
      return output
    }
  }
}
