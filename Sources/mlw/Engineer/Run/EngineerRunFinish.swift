import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Finish: MlwCommand {
    static let configuration = CommandConfiguration(commandName: "finish", abstract: "End a running run: finished, failed or killed.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "finished, failed or killed.") var status: RunStatusArgument = .finished
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> RunOutput {
      let workspace = try context.requireWorkspace()
      let stored = try workspace.finishRun(id, status: status.status, actor: try context.requireActor(), message: message, now: context.now)
      return RunOutput(run: stored, metrics: try workspace.metricSummaries(id), verb: status.rawValue)
    }
  }
}
