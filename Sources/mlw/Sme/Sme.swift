import ArgumentParser

extension Mlw {
  /// `mlw sme …`: the subject-matter expert's commands.
  struct Sme: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "sme",
      abstract: "Subject-matter expert: the business goal, feasibility, human-level baselines, the metric policy, adjudication of disagreeing labels.",
      subcommands: [Goal.self, Feasibility.self, Baseline.self, MetricPolicy.self, Disagreements.self, Adjudicate.self])
  }
}
