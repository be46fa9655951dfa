import ArgumentParser

extension Mlw {
  /// `mlw model …`: the model registry, for every member to read.
  struct Model: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "model", abstract: "Read the model registry (any member): show a version, list the models.",
      subcommands: [Show.self, List.self])
  }
}
