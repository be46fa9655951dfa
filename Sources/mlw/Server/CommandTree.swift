import ArgumentParser
import Lifecycle

/// The command tree as the server walks it, read once from swift-argument-parser's
/// configurations: each command's name, its subcommands in order and by name, and who may run
/// it. (swift-argument-parser builds a command's configuration, and derives its name from it, on
/// every call: walking `mlw annotator guidelines ack` that way cost more than parsing its
/// arguments.)
final class CommandTree: Sendable {
  let type: any ParsableCommand.Type
  /// The words that name this command after `mlw` (empty for `mlw` itself).
  let path: [String]
  /// The command path as the log and messages show it: the words joined by spaces.
  let name: String
  /// Subcommands in the order of the configuration.
  let subcommands: [CommandTree]
  /// Who may run the command over the server; nil for a group of commands.
  let access: Access?
  /// The command as the server runs it; nil for a group of commands.
  let runnable: (any MlwCommand.Type)?
  private let byName: [String: CommandTree]

  /// The whole tree, from `mlw`.
  static let root = CommandTree(Mlw.self, path: [])

  private init(_ type: any ParsableCommand.Type, path: [String]) {
    self.type = type
    self.path = path
    name = path.joined(separator: " ")
    let children = type.configuration.subcommands.map { CommandTree($0, path: path + [$0._commandName]) }
    subcommands = children
    byName = Dictionary(children.map { ($0.path.last!, $0) }, uniquingKeysWith: { first, _ in first })
    access = (type as? any ServedCommand.Type).map { $0.access }
    runnable = type as? any MlwCommand.Type
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
}
