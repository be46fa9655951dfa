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

/// The text every member change prints.
struct MemberChangeOutput: CommandOutput {
  var change: MemberChange
  var verb: String

  func encode(to encoder: any Encoder) throws { try change.encode(to: encoder) }

  func render() -> String {
    var text = "\(change.member) \(verb) in '\(change.workspace)'"
    if !change.roles.isEmpty { text += "; roles: \(change.roles.map(\.rawValue).joined(separator: ", "))" }
    if let version = change.version { text += " (workspace v\(version))" }
    text += "\n"
    if let invitation = change.invitation {
      text += """
        invitation for \(change.member) (shown once; good for \(Root.invitationDays) days, only to run 'mlw token rotate', \
        which gives \(change.member) a token nobody else has seen): \(invitation)

        """
    }
    return text
  }
}
