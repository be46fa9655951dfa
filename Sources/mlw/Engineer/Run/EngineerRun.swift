import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer run …`: training runs pinned to data, labels, splits and code.
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run",
      abstract: "Training runs: start one pinned to a dataset version, its labels, splits and code; log metrics; list, compare.",
      subcommands: [
        Start.self, Log.self, Artifact.self, Finish.self, Evaluate.self, Show.self, History.self, List.self, Compare.self, Evaluation.self,
        ImportMlflow.self,
      ])
  }
}
