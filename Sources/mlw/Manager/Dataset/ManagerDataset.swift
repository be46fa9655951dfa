import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager dataset …`: datasets, versioned by the SHA-256 of their items.
  struct Dataset: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "dataset",
      abstract: "Import datasets (each version named by the SHA-256 of its items) and list their versions.",
      subcommands: [Import.self, List.self, Show.self])
  }
}
