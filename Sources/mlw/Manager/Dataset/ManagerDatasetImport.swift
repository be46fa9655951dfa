import ArgumentParser
import Lifecycle

extension Mlw.Manager.Dataset {
  struct Import: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import",
      abstract: "Import items from JSON Lines or CSV as a new dataset version; duplicate ids or bad lines import nothing.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: DatasetImportOptions

    func execute(_ context: CommandContext) throws -> DatasetImportOutput { try importDataset(options, context) }
  }
}
