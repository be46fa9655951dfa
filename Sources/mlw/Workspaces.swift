import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw workspaces`: the workspaces under the root.
  struct Workspaces: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "workspaces", abstract: "List the workspaces you belong to (on the command line without --as: every workspace under the root).")
    static let effect = Effect.reads
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    struct Entry: Encodable {
      var name: String
      var title: String
      var members: Int
      var lastChange: Change?
    }

    struct Output: CommandOutput {
      var root: String
      var workspaces: [Entry]

      func render() -> String {
        guard !workspaces.isEmpty else { return "no workspaces under \(root); create one with 'mlw init NAME --lead YOU'\n" }
        var table = TextTable(["WORKSPACE", "MEMBERS", "LAST CHANGE", "TITLE"], alignments: [.left, .right, .left, .left])
        for entry in workspaces {
          let last = entry.lastChange.map { "\(shortTime($0.time)) \($0.author)" } ?? "-"
          table.add([entry.name, String(entry.members), last, entry.title])
        }
        return table.render()
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      // Only the workspaces the caller belongs to (every one for a local reader naming nobody).
      let entries = try context.root.workspaceNames(visibleTo: context.identity).map { name in
        let workspace = try context.root.workspace(name, visibleTo: context.identity)
        let record = try workspace.record().0
        return Entry(
          name: name, title: record.title, members: record.members.count,
          lastChange: try workspace.changes(limit: 1, for: context.identity).first)
      }
      // The server's folders are nobody's business: over the wire the root is just "the server's root".
      return Output(root: context.channel == .server ? "the server's root" : context.root.path, workspaces: entries)
    }
  }
}
