import ArgumentParser

extension Mlw {
  /// `mlw token …`: a person's own token.
  struct Token: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "token",
      abstract: "Your token: exchange an invitation or an old token for a new one; the administrator's invitations.",
      subcommands: [Rotate.self, Invite.self, Cancel.self])
  }
}

/// What a token command prints.
struct TokenOutput: CommandOutput {
  var person: String
  /// The new token or invitation, shown this once.
  var token: String?
  var invitation: String?
  var expires: String?
  var cancelled: Bool?

  func render() -> String {
    if let token {
      return """
        new token for \(person) (shown once; keep it secret; the old token and any invitation have ended): \(token)
        on the server: auth \(token)

        """
    }
    if let invitation {
      return """
        invitation for \(person) (shown once; good until \(expires ?? "?"), only to run 'mlw token rotate'): \(invitation)

        """
    }
    return "the token and any invitation of \(person) have ended; 'mlw token invite \(person)' lets them back\n"
  }
}
