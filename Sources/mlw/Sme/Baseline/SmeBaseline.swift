import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme baseline …`: human-level performance, the Bayes-error proxy.
  struct Baseline: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "baseline",
      abstract: "Record human-level baselines (the SME's) and list every baseline.",
      subcommands: [Add.self, List.self])
  }
}
