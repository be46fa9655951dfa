import ArgumentParser
import Lifecycle

extension Mlw.Manager.Dataset {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the datasets with their newest version.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> DatasetListOutput { try listDatasets(context) }
  }
}
