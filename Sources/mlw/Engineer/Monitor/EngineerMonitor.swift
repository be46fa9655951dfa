import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer monitor …`: production windows against the reference, and the alerts.
  struct Monitor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "monitor",
      abstract:
        "Monitor a deployment: a reference sample, production windows (drift), labels that arrive later, alerts naming the loop to go back to.",
      subcommands: [Reference.self, Window.self, Truth.self, Show.self, Ack.self])
  }
}
