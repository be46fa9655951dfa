import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// Runs one command line and maps every failure to a one-line message and a documented exit code.
enum CommandLineRunner {
  static func main(arguments: [String]) async {
    let wantsJSON = arguments.contains("--json")
    do {
      var command = try Mlw.parseAsRoot(arguments)
      if var asyncCommand = command as? any AsyncParsableCommand {
        try await asyncCommand.run()
      } else {
        try command.run()
      }
      exit(0)
    } catch let error as any CategorizedError {
      fail(category: error.category, message: error.message, json: wantsJSON && !(error is ReportedFailure))
    } catch {
      let code = Mlw.exitCode(for: error)
      if code == .success || error is CleanExit {
        Mlw.exit(withError: error)  // --help and --version print their text and exit 0
      }
      let text = Mlw.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
      let isUsage = code == .validationFailure || error is ValidationError
      if isUsage, let unknown = unknownCommand(arguments) { fail(category: .usage, message: unknown, json: wantsJSON) }
      let hint = helpHint(arguments)
      fail(category: isUsage ? .usage : .internalError, message: isUsage ? "\(text) (see '\(hint) --help')" : text, json: wantsJSON)
    }
  }

  /// Runs a parsed command at its place in the tree: authorized for that place, its output
  /// printed as text or JSON.
  static func run<C: MlwCommand>(_ command: C, at node: CommandTree) throws {
    // The place must be this command's: the tree's access belongs to the node the words name.
    guard let access = node.access, let type = node.runnable, type == C.self else {
      throw CommandTreeError(path: node.name)
    }
    let context = try CommandContext.commandLine(command.global, environment: ProcessInfo.processInfo.environment)
    let output = try command.execute(try context.authorized(for: access, effect: C.effect))
    let bytes = command.global.json ? try JSONValue(encoding: output).canonicalBytes(pretty: true) : Array(output.render().utf8)
    FileHandle.standardOutput.write(Data(bytes))
    if let failure = output.failure { throw ReportedFailure(underlying: failure) }
  }

  /// `mlw lead member` for arguments `lead member add …`: the deepest command the words name.
  private static func helpHint(_ arguments: [String]) -> String {
    var words = ["mlw"]
    var command: any ParsableCommand.Type = Mlw.self
    for word in arguments {
      guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
      words.append(word)
      command = next
    }
    return words.joined(separator: " ")
  }

  /// For `lead scope sett …`: the word that names no command of a group, with the nearest ones
  /// (swift-argument-parser reports the next unknown option instead, which misleads).
  static func unknownCommand(_ arguments: [String]) -> String? {
    var words = ["mlw"]
    var command: any ParsableCommand.Type = Mlw.self
    for word in arguments {
      let subcommands = command.configuration.subcommands
      guard !subcommands.isEmpty, !word.hasPrefix("-") else { return nil }
      guard let next = subcommands.first(where: { $0._commandName == word }) else {
        let names = subcommands.map { $0._commandName }
        let scored = names.map { ($0, editDistance(word.lowercased(), $0)) }
        let near = scored.filter { $0.1 <= max(1, $0.0.count / 3) || $0.0.hasPrefix(word) }.sorted { $0.1 < $1.1 }
        let group = words.joined(separator: " ")
        let suggestion =
          near.isEmpty
          ? "its commands are \(names.joined(separator: ", "))"
          : "did you mean '\(group) \(near[0].0)'?"
        return "'\(word)' is not a command of '\(group)'; \(suggestion) (see '\(group) --help')"
      }
      words.append(word)
      command = next
    }
    return nil
  }

  /// The Damerau–Levenshtein distance (optimal string alignment) between two words.
  static func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a)
    let b = Array(b)
    guard !a.isEmpty else { return b.count }
    guard !b.isEmpty else { return a.count }
    var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
    for i in 0...a.count { d[i][0] = i }
    for j in 0...b.count { d[0][j] = j }
    for i in 1...a.count {
      for j in 1...b.count {
        let cost = a[i - 1] == b[j - 1] ? 0 : 1
        d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
        if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1) }
      }
    }
    return d[a.count][b.count]
  }

  private static func fail(category: ErrorCategory, message: String, json: Bool) -> Never {
    let line = message.replacingOccurrences(of: "\n", with: " ")
    if json {
      let object = JSONValue.object([
        "error": .object([
          "category": .string(category.rawValue), "exitCode": .int(Int(category.exitCode)),
          "message": .string(line),
        ])
      ])
      FileHandle.standardOutput.write(Data(object.canonicalBytes(pretty: true)))
    }
    FileHandle.standardError.write(Data("mlw: \(line)\n".utf8))
    exit(category.exitCode)
  }
}

/// A command whose declaration contradicts its place in the tree (a reach outside the role
/// groups given to a leaf inside one, say); `CommandTreeTests` walks the tree for these.
struct CommandTreeError: CategorizedError {
  let path: String
  var category: ErrorCategory { .internalError }
  var message: String { "'mlw \(path)' declares who it is for against its place in the command tree" }
}
