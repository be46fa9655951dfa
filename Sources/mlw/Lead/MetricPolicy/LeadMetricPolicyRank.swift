import ArgumentParser
import Lifecycle

extension Mlw.Lead.MetricPolicy {
  struct Rank: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rank",
      abstract: "Rank a table of model results (CSV: model, one column per metric, slice columns like recall[defect]) under the current policy.")
    static let access = Access.roles([.lead])

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The results table.") var file: String

    func execute(_ context: CommandContext) throws -> PolicyRankingOutput { try MetricPolicyCommands.rank(file: file, context) }
  }
}
