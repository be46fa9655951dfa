import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Errors {
  struct Import: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Tag reviewed items from a CSV of item,tag rows (one row per tag; an empty tag marks an item reviewed with none).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The split the items are in.") var split: String
    @Argument(help: "CSV or JSON Lines of item,tag rows.") var file: InputFile
    @Flag(help: "Replace every tag of this split instead of adding to them.") var replace = false
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> ErrorTagsOutput {
      let (tags, lines) = try ErrorTagsInput.read(file: try context.path(reading: file), given: file.given)
      let (record, version) = try context.requireWorkspace().tagErrors(
        run: id, split: split, tags, lines: lines, given: file.given, replace: replace, actor: try context.requireActor(), message: message,
        now: context.now)
      return ErrorTagsOutput(run: id, split: split, version: version, tags: record)
    }
  }
}
