import ArgumentParser

extension Mlw.Annotator {
  /// `mlw annotator guidelines …`.
  struct Guidelines: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "guidelines", abstract: "Read the guidelines and acknowledge a version.",
      subcommands: [Mlw.Manager.Guidelines.Show.self, Ack.self])
  }
}
