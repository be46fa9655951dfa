import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Monitor {
  struct Ack: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "ack", abstract: "Acknowledge an open alert, with the reason; a later window that clears its condition resolves it.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String
    @Argument(help: "The alert, e.g. drift@w3.") var alert: String
    @Option(help: "Why; recorded with the acknowledgement.") var reason: String

    struct Output: CommandOutput {
      var target: String
      var alert: MonitorAlert

      func render() -> String { "acknowledged \(alert.id) on \(target) (\(alert.loop.rawValue)): \(alert.ack?.reason ?? "")\n" }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let alert = try context.requireWorkspace().acknowledgeAlert(
        target, alert: self.alert, reason: reason, actor: try context.requireActor(), now: context.now)
      return Output(target: target, alert: alert)
    }
  }
}
