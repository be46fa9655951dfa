import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer model …`: the model registry.
  struct Model: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "model", abstract: "The model registry: register a run's model with its card, point aliases at versions, show, list.",
      subcommands: [Register.self, Alias.self, Show.self, List.self])
  }
}
