import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw manager …`: the annotation manager's commands.
  struct Manager: AsyncParsableCommand, RoleGroup {
    static let role = Role.manager
    static let configuration = CommandConfiguration(
      commandName: "manager",
      abstract: "Annotation manager: label schema, guidelines, datasets, assignment, progress, agreement, adjudication, export.",
      subcommands: [
        Schema.self, Guidelines.self, Dataset.self, Gold.self, Assign.self, Progress.self, Report.self, Disagreements.self,
        Adjudicate.self, Export.self, Labels.self, Item.self,
      ])
  }
}
