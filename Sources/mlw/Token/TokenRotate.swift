import ArgumentParser
import Lifecycle

extension Mlw.Token {
  struct Rotate: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rotate",
      abstract: "Replace your token (or exchange your invitation) for a new one, shown once; the old one ends.",
      discussion: """
        Over the server, the connection must be authenticated as you (with your token or an invitation); every \
        connection that used the old token must authenticate again. On the command line, --as names you.
        """)
    static let effect = Effect.writes
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> TokenOutput {
      guard let person = context.identity else { throw LifecycleError.noIdentity }
      let token = try context.root.rotateToken(of: person, presenting: context.credential, now: context.now)
      return TokenOutput(person: person, token: token)
    }
  }
}
