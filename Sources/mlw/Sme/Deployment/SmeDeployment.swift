import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme deployment …`: the SME's part of a deployment: the considerations, and what serves.
  struct Deployment: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "deployment", abstract: "Check the considerations of a deployment; see what serves where.",
      subcommands: [Mlw.Engineer.Deployment.Check.self, Mlw.Engineer.Deployment.Show.self, Mlw.Engineer.Deployment.List.self])
  }
}
