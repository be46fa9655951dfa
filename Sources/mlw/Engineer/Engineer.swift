import ArgumentParser

extension Mlw {
  /// `mlw engineer …`: the ML engineer's commands.
  struct Engineer: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "engineer",
      abstract: "ML engineer: baselines other than human level, datasets, and the bias/variance diagnosis.",
      subcommands: [Baseline.self, Dataset.self, Diagnose.self])
  }
}
