import ArgumentParser
import Lifecycle

extension Mlw.Sme.Signoff {
  struct Approve: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "approve",
      abstract: "Approve a model version for deployment: refused, naming each failed check, unless every check of the gate passes.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION.") var model: String
    @Option(help: "Why; recorded with the decision.") var reason: String

    func execute(_ context: CommandContext) throws -> SignoffOutput {
      let (evidence, approval) = try context.requireWorkspace().signOff(
        model, decision: .approved, reason: reason, actor: try context.requireActor(), now: context.now)
      return SignoffOutput(evidence: evidence, approval: approval, decision: "approved")
    }
  }
}
