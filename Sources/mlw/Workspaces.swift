import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw workspaces`: the workspaces under the root.
  struct Workspaces: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "workspaces", abstract: "List the workspaces under the root.")
    static let access = Access.open

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
      let entries = try context.root.workspaceNames().map { name in
        let workspace = try context.root.workspace(name)
        let record = try workspace.record().0
        return Entry(
          name: name, title: record.title, members: record.members.count,
          lastChange: try workspace.changes(limit: 1).first)
      }
      return Output(root: context.root.path, workspaces: entries)
    }
  }
}
