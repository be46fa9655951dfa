import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw.Token {
  struct Invite: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "invite",
      abstract: "Issue a fresh invitation to someone on the team who lost their token (the root's administrator, locally).",
      discussion: "Their current token keeps working until they exchange the invitation with 'mlw token rotate'.")
    static let effect = Effect.writes
    static let reach = Reach.local

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person.") var person: String
    @Option(help: "Days the invitation stays good (1 to 365).") var days = Root.invitationDays

    func validate() throws {
      guard (1...365).contains(days) else { throw ValidationError("--days must be from 1 to 365") }
    }

    func execute(_ context: CommandContext) throws -> TokenOutput {
      let invitation = try context.root.invite(person, days: days, now: context.now)
      let expires = Timestamp.format(context.now.addingTimeInterval(Double(days) * 86_400))
      return TokenOutput(person: person, invitation: invitation, expires: expires)
    }
  }
}
