import ArgumentParser
import Lifecycle

extension Mlw.Lead.Member {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the members and their roles.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    struct Output: CommandOutput {
      var workspace: String
      var members: [MemberSummary]

      func render() -> String {
        var table = TextTable(["MEMBER", "ROLES", "TOKEN"])
        for member in members {
          table.add([member.name, member.roles.map(\.rawValue).joined(separator: ", "), member.hasToken ? "issued" : "none"])
        }
        return table.render()
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      return Output(workspace: workspace.name, members: try workspace.memberList())
    }
  }
}
