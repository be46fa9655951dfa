import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer baseline …`: literature, quick-and-dirty, older-system and rule-based baselines.
  struct Baseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "baseline",
      abstract: "Record baselines other than human level, and list every baseline.",
      subcommands: [Add.self, List.self])
  }
}
