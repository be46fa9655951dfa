import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Compare: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "compare",
      abstract: "Runs side by side: dataset, labels, splits, code, params, tags, and each metric's last, min, max and best.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Two or more runs.") var ids: [String]
    @Flag(help: "Only what differs between the runs.") var onlyChanged = false

    func execute(_ context: CommandContext) throws -> RunCompareOutput {
      RunCompareOutput(comparison: try context.requireWorkspace().compareRuns(ids, onlyChanged: onlyChanged))
    }
  }
}
