import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme monitor …`: the SME reads the monitoring and acknowledges alerts.
  struct Monitor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "monitor", abstract: "A deployment's monitoring: windows, KPI and alerts; acknowledge an alert.",
      subcommands: [Mlw.Engineer.Monitor.Show.self, Mlw.Engineer.Monitor.Ack.self])
  }
}
