import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead metric-policy …`: the single number models are ranked by, versioned.
  struct MetricPolicy: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "metric-policy",
      abstract: "Set, show and apply the metric policy (leads and the SME propose it; every change is a version).",
      subcommands: [Set.self, Show.self, Rank.self])
  }
}
