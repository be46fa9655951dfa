import ArgumentParser

extension Mlw {
  /// `mlw annotator …`: the annotator's commands.
  struct Annotator: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "annotator",
      abstract: "Annotator: read and acknowledge the guidelines, label the items assigned to you, see your own figures.",
      subcommands: [Guidelines.self, Next.self, Submit.self, Skip.self, Mine.self])
  }
}
