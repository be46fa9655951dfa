import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw lead …`: the project lead's commands.
  struct Lead: AsyncParsableCommand, RoleGroup {
    static let role = Role.lead
    static let configuration = CommandConfiguration(
      commandName: "lead",
      abstract: "Project lead: members, scope, feasibility, portfolio, metric policy, readiness, the sign-off gate, diagnosis.",
      subcommands: [
        Member.self, Scope.self, Feasibility.self, Portfolio.self, MetricPolicy.self, Readiness.self, Diagnose.self, Run.self, Errors.self, Gate.self,
        Signoff.self, Manager.Progress.self, Manager.Report.self, Manager.Export.self,
      ])
  }
}
