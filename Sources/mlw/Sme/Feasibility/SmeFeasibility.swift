import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme feasibility …`: the three cost drivers and impact, scored 1–5.
  struct Feasibility: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "feasibility",
      abstract: "Score feasibility and impact (every question 1-5), and show the scores, their spread and history.",
      subcommands: [Score.self, Show.self])
  }
}
