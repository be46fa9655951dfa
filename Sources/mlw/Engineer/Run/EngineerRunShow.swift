import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A run: what it was pinned to, its params, tags, artifacts, and each metric's figures.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String

    func execute(_ context: CommandContext) throws -> RunOutput {
      let workspace = try context.requireWorkspace()
      return RunOutput(
        run: try workspace.run(id), metrics: try workspace.metricSummaries(id), verb: nil, evaluations: try workspace.evaluations(of: id))
    }
  }
}
