import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

extension Mlw.Sme.Kpi {
  struct Log: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "log",
      abstract:
        "Log a value of the scope's KPI for a deployment; a miss while the ML figures hold raises an alert that sends the team back to planning.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String
    @Option(help: "The KPI's value.") var value: Double
    @Option(help: "When it was measured, YYYY-MM-DDTHH:MM:SSZ (default: now).") var time: String?

    struct Output: CommandOutput {
      var target: String
      var value: Double
      var kpi: String
      var goal: String
      var met: Bool
      var openAlerts: [MonitorAlert]

      func render() -> String {
        var out = "logged \(kpi) = \(MetricValue(value).rounded) for \(target): \(met ? "meets" : "MISSES") the target (\(goal))\n"
        for alert in openAlerts where alert.condition == "kpi-missed" { out += "alert \(alert.id): \(alert.detail)\n  → \(alert.advice)\n" }
        return out
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      var measured: Date?
      if let time {
        guard let date = Timestamp.parse(time) else {
          throw LifecycleError.invalidValue(what: "--time", reason: "'\(time)' is not like 2027-03-01T08:00:00Z")
        }
        guard date <= context.now else { throw LifecycleError.invalidValue(what: "--time", reason: "'\(time)' is in the future") }
        measured = date
      }
      let (goal, met) = try workspace.logKPI(target, value: value, measured: measured, actor: try context.requireActor(), now: context.now)
      return Output(
        target: target, value: value, kpi: goal.kpi, goal: goal.description, met: met, openAlerts: try workspace.monitorState(target).openAlerts)
    }
  }
}
