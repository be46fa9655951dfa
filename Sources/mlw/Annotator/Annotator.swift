import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw annotator …`: the annotator's commands.
  struct Annotator: AsyncParsableCommand, RoleGroup {
    static let role = Role.annotator
    static let configuration = CommandConfiguration(
      commandName: "annotator",
      abstract: "Annotator: read and acknowledge the guidelines, label the items assigned to you, see your own figures.",
      subcommands: [Guidelines.self, Next.self, Submit.self, Skip.self, Mine.self])
  }
}
