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
    let text = command.global.json ? try JSONValue(encoding: output).canonicalString(pretty: true) : output.render()
    FileHandle.standardOutput.write(Data(text.utf8))
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
