import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead signoff …`: the lead's override of the gate.
  struct Signoff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "signoff", abstract: "Check a model version against the gate, or approve it despite failed checks.",
      subcommands: [Mlw.Sme.Signoff.Check.self, Override.self])
  }
}
