import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead run …` and `mlw sme run …`: the training runs, to read.
  struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "run", abstract: "Read the training runs: list, show, compare, evaluations.",
      subcommands: [
        Mlw.Engineer.Run.Show.self, Mlw.Engineer.Run.History.self, Mlw.Engineer.Run.List.self, Mlw.Engineer.Run.Compare.self,
        Mlw.Engineer.Run.Evaluation.self,
      ])
  }
}
