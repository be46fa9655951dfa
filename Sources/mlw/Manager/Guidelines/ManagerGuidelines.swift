import ArgumentParser

extension Mlw.Manager {
  /// `mlw manager guidelines …`: the written, versioned labeling convention.
  struct Guidelines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "guidelines",
      abstract: "Write the labeling guidelines (versioned, with a change message) and show them.", subcommands: [Set.self, Show.self])
  }
}
