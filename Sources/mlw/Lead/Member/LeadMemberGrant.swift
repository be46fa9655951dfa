import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct Grant: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "grant", abstract: "Give a member one more role.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The member.") var name: String
    @Option(help: "The role to grant.") var role: Role
    @Option(help: "Fail unless the workspace record is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> MemberChangeOutput {
      let change = try context.requireWorkspace().grant(
        name, role: role, actor: try context.requireActor(), now: context.now, ifVersion: ifVersion)
      return MemberChangeOutput(change: change, verb: "granted \(role.rawValue)")
    }
  }
}
