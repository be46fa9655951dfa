import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

/// A command of the tree. It says what it does to the store and returns a value; it never
/// prints. Who may run it follows from its place in the tree (see `CommandTree.access`): a leaf
/// under a role group (`mlw lead …`) is for that role, and a change it makes is recorded under
/// it; a leaf outside the role groups says who it is for with `reach`. The command line renders
/// the value (text, or JSON with --json); the server sends the JSON.
protocol MlwCommand: AsyncParsableCommand, Sendable {
  associatedtype Output: CommandOutput
  /// Whether the command writes to the store (reads may run without `--as` on the command line).
  static var effect: Effect { get }
  /// Who a command outside the role groups is for; a leaf under a role group keeps the default.
  static var reach: Reach { get }
  var global: GlobalOptions { get }
  func execute(_ context: CommandContext) throws -> Output
}

/// What a command does to the store.
enum Effect: String, Sendable {
  case reads, writes
}

/// Who a command is for, as its place in the tree says.
enum Reach: Sendable, Equatable {
  /// The role of the group the command was invoked through.
  case roleGroup
  /// The role of the group, held in any workspace: the command spans workspaces and shows only
  /// those where the caller holds it (`lead portfolio`).
  case roleGroupAcrossWorkspaces
  /// Any member of the workspace named with `-w`.
  case members
  /// Anyone; no workspace involved unless the command names files (on the server, files are in
  /// a workspace's files area, for its members).
  case anyone
  /// The administrator of the root on its own machine; never over the server.
  case local
}

extension MlwCommand {
  static var reach: Reach { .roleGroup }

  /// The command line's run: swift-argument-parser calls it with this process's arguments,
  /// whose leading words name the command's place in the tree.
  mutating func run() async throws {
    try CommandLineRunner.run(self, at: CommandTree.root.command(named: CommandLine.arguments.dropFirst()))
  }

  /// Runs the command in a context already authorized for its place: its output as JSON, and
  /// the error to report with it, if any.
  func serve(authorized context: CommandContext) throws -> (JSONValue, (any CategorizedError)?) {
    let output = try execute(context)
    return (try JSONValue(encoding: output), output.failure)
  }
}

/// A group of the tree that stands for a role: `mlw lead`, `mlw sme`, … Its commands are that
/// role's; a command two roles share is one type listed under both groups.
protocol RoleGroup: ParsableCommand {
  static var role: Role { get }
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
