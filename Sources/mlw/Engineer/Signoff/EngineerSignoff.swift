import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer signoff check`: the engineer sees what the SME will judge.
  struct Signoff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "signoff", abstract: "Check a model version against the gate before asking the SME to sign it off.",
      subcommands: [Mlw.Sme.Signoff.Check.self])
  }
}
