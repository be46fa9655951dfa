import ArgumentParser

extension Mlw.Sme {
  /// `mlw sme signoff …`: the SME's decision before deployment.
  struct Signoff: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "signoff", abstract: "Judge a model version against the gate: check the evidence, approve or reject it.",
      subcommands: [Check.self, Approve.self, Reject.self])
  }
}
