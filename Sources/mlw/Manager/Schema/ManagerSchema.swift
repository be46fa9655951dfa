import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager schema …`: the task, the label set and the measurement level.
  struct Schema: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "schema", abstract: "Define and show the label schema.", subcommands: [Set.self, Show.self])
  }
}
