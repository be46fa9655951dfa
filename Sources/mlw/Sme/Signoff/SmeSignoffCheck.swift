import ArgumentParser
import Lifecycle

extension Mlw.Sme.Signoff {
  struct Check: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "check", abstract: "The evidence for a model version and each check of the gate with its numbers; changes nothing.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION (or NAME@ALIAS).") var model: String

    func execute(_ context: CommandContext) throws -> SignoffOutput {
      let workspace = try context.requireWorkspace()
      let evidence = try workspace.signoffEvidence(model)
      return SignoffOutput(evidence: evidence, approval: try workspace.approval(evidence.model.reference), decision: nil)
    }
  }
}
