import ArgumentParser
import Foundation
import Lifecycle
import Statistics

/// The single-number rule, as options: exactly one of --metric, --average, --weights,
/// --optimize (with --require). Shared by `mlw stats rank` and `metric-policy set`.
struct PolicyOptions: ParsableArguments {
  @Option(help: "Rank by this metric.") var metric: String?
  @Option(help: "Rank by the average of these metrics (comma-separated).") var average: String?
  @Option(help: "Rank by a weighted average: NAME=W,NAME=W.") var weights: String?
  @Option(help: "Rank by this metric among models meeting every --require.") var optimize: String?
  @Option(name: .customLong("require"), help: "A bar: 'NAME>=X', 'NAME>X', 'NAME<=X' or 'NAME<X' (repeatable).")
  var requirements: [String] = []

  func validate() throws {
    let given = [metric, average, weights, optimize].compactMap { $0 }.count
    guard given == 1 else { throw ValidationError("give exactly one of --metric, --average, --weights, --optimize") }
    if !requirements.isEmpty, optimize == nil { throw ValidationError("--require goes with --optimize") }
  }

  func policy() throws -> MetricPolicy {
    if let metric { return .single(metric) }
    if let average {
      let names = average.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }
      guard names.count >= 1, !names.contains("") else {
        throw LifecycleError.invalidValue(what: "--average", reason: "list metric names separated by commas")
      }
      return .average(names)
    }
    if let weights {
      let parts = try weights.split(separator: ",").map { part -> MetricPolicy.Weight in
        let pieces = part.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
        guard pieces.count == 2, !pieces[0].isEmpty, let w = Double(pieces[1]) else {
          throw LifecycleError.invalidValue(what: "--weights", reason: "'\(part)' is not NAME=WEIGHT")
        }
        return .init(metric: pieces[0], weight: w)
      }
      return .weightedAverage(parts)
    }
    let bars = try requirements.map { text -> MetricPolicy.Requirement in
      guard let requirement = MetricPolicy.Requirement(parsing: text) else {
        throw LifecycleError.invalidValue(what: "--require", reason: "'\(text)' is not like 'recall>=0.6'")
      }
      return requirement
    }
    return .optimize(metric: optimize!, requirements: bars)
  }
}
