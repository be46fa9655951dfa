import ArgumentParser
import Lifecycle

extension Mlw.Lead.MetricPolicy {
  struct Rank: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rank",
      abstract: "Rank a table of model results (CSV: model, one column per metric, slice columns like recall[defect]) under the current policy.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The results table.") var file: InputFile

    func execute(_ context: CommandContext) throws -> PolicyRankingOutput { try MetricPolicyCommands.rank(file: file, context) }
  }
}
