import ArgumentParser
import Lifecycle

/// The command tree as the command line and the server walk it, read once from
/// swift-argument-parser's configurations: each command's name, its subcommands in order and by
/// name, and who may run it, which follows from its place (swift-argument-parser builds a
/// command's configuration, and derives its name from it, on every call: walking
/// `mlw annotator guidelines ack` that way cost more than parsing its arguments).
final class CommandTree: Sendable {
  let type: any ParsableCommand.Type
  /// The words that name this command after `mlw` (empty for `mlw` itself).
  let path: [String]
  /// The command path as the log and messages show it: the words joined by spaces.
  let name: String
  /// Subcommands in the order of the configuration.
  let subcommands: [CommandTree]
  /// The role group this command is under (`mlw lead …`), if any.
  let group: Role?
  /// Who may run the command; nil for a group of commands.
  let access: Access?
  /// The command as it runs; nil for a group of commands.
  let runnable: (any MlwCommand.Type)?
  private let byName: [String: CommandTree]

  /// The whole tree, from `mlw`.
  static let root = CommandTree(Mlw.self, path: [], group: nil)

  private init(_ type: any ParsableCommand.Type, path: [String], group: Role?) {
    self.type = type
    self.path = path
    self.group = group
    name = path.joined(separator: " ")
    let children = type.configuration.subcommands.map { child in
      CommandTree(child, path: path + [child._commandName], group: group ?? (child as? any RoleGroup.Type)?.role)
    }
    subcommands = children
    byName = Dictionary(children.map { ($0.path.last!, $0) }, uniquingKeysWith: { first, _ in first })
    runnable = type as? any MlwCommand.Type
    access = runnable.flatMap { Self.access(of: $0, group: group) }
  }

  /// What a command's place gives it: the group's role inside a role group, else what the
  /// command says it is for. nil for a declaration that contradicts the place (a test walks the
  /// tree for those; such a command cannot run).
  private static func access(of command: any MlwCommand.Type, group: Role?) -> Access? {
    switch (command.reach, group) {
    case (.roleGroup, let role?): .roles([role])
    case (.roleGroupAcrossWorkspaces, let role?): .anyWorkspaceWith(role)
    case (.members, nil): .member
    case (.anyone, nil): .open
    case (.local, nil): .admin
    default: nil
    }
  }

  /// The deepest command that the leading words name (self when the first word names none).
  func command(named words: some Sequence<String>) -> CommandTree {
    var node = self
    for word in words {
      guard let next = node.byName[word] else { break }
      node = next
    }
    return node
  }

  /// Every leaf command of the tree, depth first in the order of the configurations.
  var leaves: [CommandTree] {
    subcommands.isEmpty ? (path.isEmpty ? [] : [self]) : subcommands.flatMap(\.leaves)
  }
}
