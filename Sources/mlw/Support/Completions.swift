import ArgumentParser
import Foundation
import Lifecycle

/// Shell completion of the names a root holds: workspaces, their members and datasets (the
/// script `mlw --generate-completion-script SHELL` writes calls back into mlw for these). The
/// root and workspace are the ones the command line names so far, else the environment, as for
/// a command; whatever cannot be read completes to nothing rather than to an error.
enum Completions {
  static let workspaces = CompletionKind.custom { arguments, _, prefix in
    matching(prefix, (try? root(arguments).workspaceNames()) ?? [])
  }

  /// The members of the workspace named so far, else everyone on the team's roster.
  static let members = CompletionKind.custom { arguments, _, prefix in
    let root = root(arguments)
    if let name = workspace(arguments), let (record, _) = try? root.workspace(name).record() {
      return matching(prefix, Array(record.members.keys))
    }
    return matching(prefix, (try? root.roster().0.people.keys).map(Array.init) ?? [])
  }

  static let datasets = CompletionKind.custom { arguments, _, prefix in
    guard let name = workspace(arguments), let ids = try? root(arguments).workspace(name).datasetIDs() else { return [] }
    return matching(prefix, ids)
  }

  static func matching(_ prefix: String, _ names: [String]) -> [String] { names.filter { $0.hasPrefix(prefix) }.sorted() }

  static func root(_ arguments: [String]) -> Root {
    let environment = ProcessInfo.processInfo.environment
    return Root(path: value(of: ["--root"], in: arguments) ?? environment["MLW_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "Workspaces")
  }

  static func workspace(_ arguments: [String]) -> String? {
    value(of: ["--workspace", "-w"], in: arguments) ?? ProcessInfo.processInfo.environment["MLW_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 }
  }

  /// The value of the last `--name VALUE` or `--name=VALUE` among the words.
  static func value(of names: [String], in arguments: [String]) -> String? {
    var found: String?
    for (i, word) in arguments.enumerated() {
      if names.contains(word), i + 1 < arguments.count {
        found = arguments[i + 1]
      } else if let name = names.first(where: { word.hasPrefix($0 + "=") }) {
        found = String(word.dropFirst(name.count + 1))
      }
    }
    return found
  }
}
