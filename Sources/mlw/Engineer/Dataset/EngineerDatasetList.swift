import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Dataset {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List the datasets with their newest version.")
    static let access = Access.member

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> DatasetListOutput { try listDatasets(context) }
  }
}
