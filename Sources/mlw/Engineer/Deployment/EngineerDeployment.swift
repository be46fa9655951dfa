import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer deployment …`: what serves where, with canaries and rollback.
  struct Deployment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "deployment",
      abstract: "Deploy approved model versions to targets: canary, promote, roll back, the considerations checklist.",
      subcommands: [Start.self, Promote.self, Rollback.self, Show.self, List.self, Check.self])
  }
}
