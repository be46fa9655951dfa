import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw engineer …`: the ML engineer's commands.
  struct Engineer: AsyncParsableCommand, RoleGroup {
    static let role = Role.engineer
    static let configuration = CommandConfiguration(
      commandName: "engineer",
      abstract: "ML engineer: training runs, error analysis, the model registry, deployments and their monitoring, baselines other than human level.",
      subcommands: [
        Run.self, Errors.self, LabelIssues.self, Model.self, Signoff.self, Deployment.self, Monitor.self, Sme.Baseline.self, Manager.Dataset.self,
        Lead.Diagnose.self, Manager.Export.self,
      ])
  }
}
