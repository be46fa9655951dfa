import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead gate …`: what a model must show before deployment.
  struct Gate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "gate", abstract: "The sign-off gate: what a model version must show before it is deployed.",
      subcommands: [Set.self, Show.self])
  }
}
