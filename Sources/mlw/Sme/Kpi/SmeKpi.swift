import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme kpi …`: the business metric of a deployment.
  struct Kpi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "kpi", abstract: "Log the business metric of a deployment against the goal's target.", subcommands: [Log.self])
  }
}
