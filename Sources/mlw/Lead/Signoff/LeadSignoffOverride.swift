import ArgumentParser
import Lifecycle

extension Mlw.Lead.Signoff {
  struct Override: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "override",
      abstract: "Approve a model version despite failed checks; recorded as an override and shown wherever the approval is.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION.") var model: String
    @Option(help: "Why the failed checks are accepted; recorded with the decision.") var reason: String

    func execute(_ context: CommandContext) throws -> SignoffOutput {
      let (evidence, approval) = try context.requireWorkspace().signOff(
        model, decision: .overridden, reason: reason, actor: try context.requireActor(), now: context.now)
      return SignoffOutput(evidence: evidence, approval: approval, decision: "overridden")
    }
  }
}
