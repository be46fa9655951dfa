import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct RotateToken: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rotate-token",
      abstract: "Issue a new token for a member (the old one stops working); shown once.")
    static let access = Access.roles([.lead])

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The member.") var name: String

    func execute(_ context: CommandContext) throws -> MemberChangeOutput {
      let change = try context.requireWorkspace().rotateToken(name, actor: try context.requireActor(), now: context.now)
      return MemberChangeOutput(change: change, verb: "has a new token")
    }
  }
}
