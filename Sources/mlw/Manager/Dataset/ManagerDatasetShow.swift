import ArgumentParser
import Lifecycle

extension Mlw.Manager.Dataset {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "List every version of a dataset with its hash and what changed.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String

    func execute(_ context: CommandContext) throws -> DatasetVersionsOutput { try showDataset(context, dataset) }
  }
}
