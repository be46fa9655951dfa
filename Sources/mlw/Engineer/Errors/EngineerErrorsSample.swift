import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Errors {
  struct Sample: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "sample",
      abstract: "Draw the items to look at: a seeded sample of the split's errors and of all its items, with payload, prediction and label.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(help: "The evaluated split.") var split: String
    @Option(help: "How many errors, and how many items (1 to 10,000).") var n = 100
    @Option(help: "The seed of the draw.") var seed: UInt64 = 1

    func execute(_ context: CommandContext) throws -> ErrorSampleOutput {
      ErrorSampleOutput(sample: try context.requireWorkspace().errorSample(run: id, split: split, n: n, seed: seed))
    }
  }
}
