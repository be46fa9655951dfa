import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw status`: what each lifecycle stage holds, who changed what last, what is next.
  struct Status: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "status",
      abstract: "Show what each lifecycle stage holds, who changed what last, and what is missing next.")
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions

    struct Output: CommandOutput {
      var status: StatusReport

      func encode(to encoder: any Encoder) throws { try status.encode(to: encoder) }

      func render() -> String {
        var text = "\(status.workspace): \(status.title)\n\n"
        var roles = TextTable(["ROLE", "MEMBERS"])
        for role in Role.allCases {
          let holders = status.roles[role.rawValue] ?? []
          roles.add([role.rawValue, holders.isEmpty ? "-" : holders.joined(separator: ", ")])
        }
        text += roles.render() + "\n"
        var stages = TextTable(["STAGE", "HOLDS", "LAST CHANGE"])
        var unwritten = false
        for stage in status.stages {
          let holds = stage.parts.map { part in
            switch part.shape {
            case .record:
              if part.count == 0 { unwritten = true }
              return part.count > 0 ? part.path : "(\(part.path))"
            case .collection, .logs: return "\(part.path) \(part.count)"
            }
          }.joined(separator: ", ")
          let last = stage.lastChange.map { "\(shortTime($0.time)) \($0.author) (\($0.role)): \($0.path) v\($0.version)" } ?? "-"
          stages.add([stage.name, holds, last])
        }
        text += stages.render()
        if unwritten { text += "(a name in parentheses is not written yet)\n" }
        if !status.recent.isEmpty {
          text += "\nrecent changes:\n"
          var recent = TextTable(["TIME", "BY", "RECORD", "MESSAGE"])
          for change in status.recent {
            recent.add([shortTime(change.time), "\(change.author) (\(change.role))", "\(change.path) v\(change.version)", change.message])
          }
          text += recent.render(indent: "  ")
        }
        if !status.alerts.isEmpty {
          text += "\nopen alerts (mlw engineer monitor show TARGET):\n" + status.alerts.map { "  - \($0)\n" }.joined()
        }
        if !status.next.isEmpty {
          text += "\nnext:\n" + status.next.map { "  - \($0)\n" }.joined()
        }
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      Output(status: try context.requireWorkspace().status(for: context.identity))
    }
  }
}
