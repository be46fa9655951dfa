import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Errors {
  struct Tag: MlwCommand {
    static let configuration = CommandConfiguration(commandName: "tag", abstract: "Tag one reviewed item (no tag: reviewed, nothing found).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The split the item is in.") var split: String
    @Argument(help: "The item.") var item: String
    @Argument(help: "Its tags (mislabeled for a wrong given label).") var tags: [String] = []
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> ErrorTagsOutput {
      let (record, version) = try context.requireWorkspace().tagErrors(
        run: id, split: split, [item: tags], lines: nil, given: nil, replace: false, actor: try context.requireActor(), message: message,
        now: context.now)
      return ErrorTagsOutput(run: id, split: split, version: version, tags: record)
    }
  }
}
