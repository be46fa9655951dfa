import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct Revoke: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "revoke",
      abstract: "Take a role from a member (not their last role, nor the last lead's lead role).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The member.") var name: String
    @Option(help: "The role to revoke.") var role: Role
    @Option(help: "Fail unless the workspace record is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> MemberChangeOutput {
      let change = try context.requireWorkspace().revoke(
        name, role: role, actor: try context.requireActor(), now: context.now, ifVersion: ifVersion)
      return MemberChangeOutput(change: change, verb: "lost \(role.rawValue)")
    }
  }
}
