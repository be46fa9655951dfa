import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager labels …`: labels made in other tools.
  struct Labels: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "labels",
      abstract: "Import labels made elsewhere (Label Studio JSON export, or CSV item,annotator,label) to measure their agreement.",
      subcommands: [Import.self])
  }
}
