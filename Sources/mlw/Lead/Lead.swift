import ArgumentParser

extension Mlw {
  /// `mlw lead …`: the project lead's commands.
  struct Lead: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Project lead: members and roles, the metric policy, the bias/variance diagnosis.",
      subcommands: [Member.self, MetricPolicy.self, Diagnose.self])
  }
}
