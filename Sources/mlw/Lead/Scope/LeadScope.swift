import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead scope …`: what the project is and when it succeeds.
  struct Scope: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "scope",
      abstract: "Write and show the project scope.", subcommands: [Set.self, Show.self])
  }
}
