import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager item …` (and `mlw sme item …`): one item and what was recorded about it.
  struct Item: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "item", abstract: "Show one item of a dataset: its content, every label, the gold answer and adjudications.",
      subcommands: [Show.self])
  }
}
