import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct Remove: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "remove",
      abstract: "Remove a member from the workspace (what they recorded stays, attributed to them).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The member.") var name: String
    @Option(help: "Fail unless the workspace record is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> MemberChangeOutput {
      let change = try context.requireWorkspace().removeMember(
        name, actor: try context.requireActor(), now: context.now, ifVersion: ifVersion)
      return MemberChangeOutput(change: change, verb: "removed")
    }
  }
}
