import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Monitor {
  struct Truth: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "truth",
      abstract: "Add labels that arrived later for a window (its id column, truth): its performance against the signed-off evaluation.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String
    @Option(help: "The window the labels are for.") var window: String
    @Argument(help: "CSV with the window's id column and truth.") var file: InputFile
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> WindowOutput {
      let workspace = try context.requireWorkspace()
      let recorded = try workspace.recordTruth(
        target, window: window, file: try context.path(reading: file), given: file.given, actor: try context.requireActor(), message: message,
        now: context.now)
      return WindowOutput(target: target, name: window, window: recorded, alerts: try workspace.monitorState(target).alerts)
    }
  }
}
