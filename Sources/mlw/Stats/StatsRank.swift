import ArgumentParser
import Foundation
import Lifecycle
import Statistics

extension Mlw.Stats {
  /// `mlw stats rank FILE`: models in order under a single-number metric policy.
  struct Rank: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "rank",
      abstract: "Rank models by one number: a metric, an average, a weighted average, or a metric subject to bars.",
      discussion:
        "FILE is CSV with a 'model' column and one column per metric. Give exactly one of --metric, --average, --weights, --optimize (with --require)."
    )
    static let effect = Effect.reads
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The results table.") var file: InputFile
    @OptionGroup var rule: PolicyOptions

    struct Output: CommandOutput {
      var policy: String
      /// Each ranked metric's direction and where it came from.
      var directions: [MetricDirection.Resolved]
      var models: [RankedModel]

      func render() -> String {
        "policy: \(policy)\n" + DirectionNotes.render(directions) + PolicyRankingOutput.table(models)
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let path = try context.path(reading: file)
      let input = try ResultsInput(file: path)
      let (policy, directions) = try rule.rule()
      do {
        let ranked = try policy.rank(input.models, directions: directions)
        return Output(policy: policy.describe(directions: directions), directions: policy.directions(given: directions), models: ranked)
      } catch {
        if case .unknownMetric(let name, let available) = error {
          throw InputError(file: path, line: 1, "no metric column '\(name)' (columns: \(available.joined(separator: ", ")))")
        }
        throw error.described(file: path)
      }
    }
  }
}
