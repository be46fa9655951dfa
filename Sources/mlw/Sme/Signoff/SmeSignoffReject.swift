import ArgumentParser
import Lifecycle

extension Mlw.Sme.Signoff {
  struct Reject: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "reject", abstract: "Reject a model version, with the reason; recorded with the checks as they stand.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION.") var model: String
    @Option(help: "Why; recorded with the decision.") var reason: String

    func execute(_ context: CommandContext) throws -> SignoffOutput {
      let (evidence, approval) = try context.requireWorkspace().signOff(
        model, decision: .rejected, reason: reason, actor: try context.requireActor(), now: context.now)
      return SignoffOutput(evidence: evidence, approval: approval, decision: "rejected")
    }
  }
}
