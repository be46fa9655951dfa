import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Add a member with one or more roles; a person new to the team gets an invitation, shown once, good for `mlw token rotate` only.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The person's name ([a-z0-9][a-z0-9._-]{0,63}).")
    var name: String

    @Option(name: .customLong("role"), help: "A role (repeat for several).")
    var roles: [Role] = []

    @Option(help: "Fail unless the workspace record is still at this version.")
    var ifVersion: Int?

    func validate() throws {
      guard !roles.isEmpty else { throw ValidationError("give at least one --role (lead, sme, manager, annotator, engineer)") }
    }

    func execute(_ context: CommandContext) throws -> MemberChangeOutput {
      let change = try context.requireWorkspace().addMember(
        name, roles: roles, actor: try context.requireActor(), now: context.now, ifVersion: ifVersion)
      return MemberChangeOutput(change: change, verb: "added")
    }
  }
}
