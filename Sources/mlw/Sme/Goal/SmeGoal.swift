import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme goal …`: the business goal and KPI the project serves.
  struct Goal: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "goal", abstract: "Set the business goal and KPI.", subcommands: [Set.self])
  }
}
