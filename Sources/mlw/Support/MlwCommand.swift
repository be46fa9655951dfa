import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

/// A command of the tree. It declares who may run it and returns a value; it never prints.
/// The command line renders the value (text, or JSON with --json); the server sends the JSON.
protocol MlwCommand: AsyncParsableCommand, ServedCommand {
  associatedtype Output: CommandOutput
  func execute(_ context: CommandContext) throws -> Output
}

/// What the server needs of a command without knowing its output type: its access, its global
/// options, and a run that returns the JSON the command line prints with --json.
protocol ServedCommand: Sendable {
  /// Who may run this command; checked before `execute`, the same way on every channel.
  static var access: Access { get }
  var global: GlobalOptions { get }
  /// Runs the command in a context already authorized for `access`; the JSON of its output,
  /// and the error to report with it, if any.
  func serve(authorized context: CommandContext) throws -> (JSONValue, (any CategorizedError)?)
}

extension MlwCommand {
  mutating func run() async throws {
    let context = try CommandContext.commandLine(global, environment: ProcessInfo.processInfo.environment)
    let output = try execute(try context.authorized(for: Self.access))
    let text = global.json ? try JSONValue(encoding: output).canonicalString(pretty: true) : output.render()
    FileHandle.standardOutput.write(Data(text.utf8))
    if let failure = output.failure { throw ReportedFailure(underlying: failure) }
  }
}

extension MlwCommand {
  func serve(authorized context: CommandContext) throws -> (JSONValue, (any CategorizedError)?) {
    let output = try execute(context)
    return (try JSONValue(encoding: output), output.failure)
  }
}

/// A command's result: JSON through `Encodable` (documented, stable keys), text through `render`.
protocol CommandOutput: Encodable, Sendable {
  /// The text a person reads, ending with a newline.
  func render() -> String
  /// An error to exit with after the output is printed (a check that found problems).
  var failure: (any CategorizedError)? { get }
}

extension CommandOutput {
  var failure: (any CategorizedError)? { nil }
}


/// A failure whose details the printed output already holds (a check that found problems): the
/// runner adds the one-line summary on stderr and the exit code, but no second JSON document.
struct ReportedFailure: CategorizedError {
  let underlying: any CategorizedError
  var category: ErrorCategory { underlying.category }
  var message: String { underlying.message }
}
