import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager gold …`: known answers, hidden from annotators.
  struct Gold: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "gold",
      abstract: "Set the gold answers of a dataset (hidden from annotators; mixed into their queues by assign).", subcommands: [Set.self])
  }
}
