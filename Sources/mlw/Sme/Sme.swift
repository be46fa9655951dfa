import ArgumentParser

extension Mlw {
  /// `mlw sme …`: the subject-matter expert's commands.
  struct Sme: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      abstract: "Subject-matter expert: human-level baselines, the metric policy.",
      subcommands: [Baseline.self, MetricPolicy.self])
  }
}
