import ArgumentParser
import Lifecycle

extension Mlw.Lead {
  /// `mlw lead member …`: who belongs to the workspace and in which roles.
  struct Member: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "member",
      abstract: "Add members, grant and revoke roles, remove members.",
      subcommands: [Add.self, Grant.self, Revoke.self, Remove.self, List.self])
  }
}
