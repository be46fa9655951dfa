import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct ImportMlflow: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "import-mlflow",
      abstract: "Import the runs of an MLflow file store (an mlruns/ folder): params, tags, metric histories, parents, the git commit.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The mlruns/ folder (command line only).") var folder: String

    func execute(_ context: CommandContext) throws -> MLflowImportOutput {
      let workspace = try context.requireWorkspace()
      guard context.channel == .commandLine else {
        throw FilesArea.Refusal(
          path: folder, rule: "is a folder of the server's machine: import-mlflow runs on the command line only", workspace: workspace.name)
      }
      return MLflowImportOutput(runs: try workspace.importMLflow(folder: folder, actor: try context.requireActor(), now: context.now))
    }
  }
}
