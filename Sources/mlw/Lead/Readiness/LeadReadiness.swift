import ArgumentParser
import Lifecycle

extension Mlw.Lead {
  /// `mlw lead readiness …`: the ML Test Score.
  struct Readiness: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "readiness",
      abstract: "Record and show production readiness (ML Test Score, Breck et al. 2017).", subcommands: [Set.self, Show.self])
  }
}
