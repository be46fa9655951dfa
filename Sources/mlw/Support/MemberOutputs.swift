import ArgumentParser
import Lifecycle

// What the commands of members share (`lead member …`).

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
