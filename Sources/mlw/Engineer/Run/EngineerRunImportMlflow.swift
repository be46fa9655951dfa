import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct ImportMlflow: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import-mlflow",
      abstract: "Import the runs of an MLflow file store (an mlruns/ folder): params, tags, metric histories, parents, the git commit.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The mlruns/ folder (over the server: a folder in the workspace's files area).") var folder: String

    func execute(_ context: CommandContext) throws -> MLflowImportOutput {
      let workspace = try context.requireWorkspace()
      let path = try context.path(readingFolder: folder)
      do {
        return MLflowImportOutput(runs: try workspace.importMLflow(folder: path, actor: try context.requireActor(), now: context.now))
      } catch var error as InputError where path != folder {
        // Named as the caller named it, not by where the server keeps it.
        error.file = error.file.replacingOccurrences(of: path, with: folder)
        throw error
      }
    }
  }
}
