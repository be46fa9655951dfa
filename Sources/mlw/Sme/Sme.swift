import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw sme …`: the subject-matter expert's commands.
  struct Sme: AsyncParsableCommand, RoleGroup {
    static let role = Role.sme
    static let configuration = CommandConfiguration(
      commandName: "sme",
      abstract:
        "Subject-matter expert: the business goal, human-level baselines, the metric policy, adjudication, the sign-off before deployment, the KPI.",
      subcommands: [
        Goal.self, Lead.Feasibility.self, Baseline.self, Lead.MetricPolicy.self, Manager.Report.self, Manager.Disagreements.self,
        Manager.Adjudicate.self, Manager.Export.self, Manager.Item.self, Lead.Run.self, Lead.Errors.self, Signoff.self,
        Deployment.self, Monitor.self, Kpi.self,
      ])
  }
}
