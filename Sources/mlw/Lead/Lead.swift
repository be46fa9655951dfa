import ArgumentParser

extension Mlw {
  /// `mlw lead …`: the project lead's commands.
  struct Lead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "lead",
      abstract: "Project lead: members, scope, feasibility, portfolio, metric policy, readiness, diagnosis.",
      subcommands: [Member.self, Scope.self, Feasibility.self, Portfolio.self, MetricPolicy.self, Readiness.self, Diagnose.self])
  }
}
