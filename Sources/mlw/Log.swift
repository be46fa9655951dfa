import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw {
  /// `mlw log [PATH]`: the history of the workspace, or of one record.
  struct Log: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "log",
      abstract: "Show the history of the workspace, or of one record: version, author, role, time, message.")
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A record, such as 'workspace' or 'runs/r1'; without it, the whole workspace.")
    var path: String?

    @Option(help: "Show at most this many changes (newest first).")
    var limit: Int = 50

    func validate() throws {
      guard limit >= 1 else { throw ValidationError("--limit must be at least 1") }
      guard limit <= 1_000_000 else { throw ValidationError("--limit must be at most 1000000") }
    }

    struct Output: CommandOutput {
      var path: String?
      var changes: [Change]

      func render() -> String {
        guard !changes.isEmpty else { return "no changes yet\n" }
        var table = TextTable(["TIME", "AUTHOR", "ROLE", "RECORD", "VERSION", "MESSAGE"], alignments: [.left, .left, .left, .left, .right, .left])
        for change in changes {
          table.add([shortTime(change.time), change.author, change.role, change.path, String(change.version), change.message])
        }
        return table.render()
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      guard let path else { return Output(path: nil, changes: try workspace.changes(limit: limit, for: context.identity)) }
      let record = try RecordPath(path)
      return Output(path: record.description, changes: Array(try workspace.history(record, for: context.identity).prefix(limit)))
    }
  }
}
