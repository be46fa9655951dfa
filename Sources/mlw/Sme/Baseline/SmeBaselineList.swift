import ArgumentParser
import Lifecycle

extension Mlw.Sme.Baseline {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List every baseline, the best per metric, and human level.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> BaselineListOutput { try listBaselines(context) }
  }
}
