import ArgumentParser
import Foundation
import Lifecycle
import Statistics

/// The single-number rule, as options: exactly one of --metric, --average, --weights,
/// --optimize (with --require). Shared by `mlw stats rank` and `metric-policy set`.
///
/// A metric's direction comes from its name (`MetricDirection`) unless given: `error:min` or
/// `acc:max` wherever a name is listed, or `--minimize NAME` / `--maximize NAME`.
struct PolicyOptions: ParsableArguments {
  @Option(help: "Rank by this metric (NAME, or NAME:min / NAME:max to give its direction).") var metric: String?
  @Option(help: "Rank by the average of these metrics (comma-separated; NAME:min gives a direction).") var average: String?
  @Option(help: "Rank by a weighted average: NAME=W,NAME=W (NAME:min=W gives a direction).") var weights: String?
  @Option(help: "Rank by this metric among models meeting every --require.") var optimize: String?
  @Option(name: .customLong("require"), help: "A bar: 'NAME>=X', 'NAME>X', 'NAME<=X' or 'NAME<X' (repeatable).")
  var requirements: [String] = []
  @Option(name: .customLong("minimize"), help: "Lower values of this metric are better, whatever its name says (repeatable).")
  var minimized: [String] = []
  @Option(name: .customLong("maximize"), help: "Higher values of this metric are better, whatever its name says (repeatable).")
  var maximized: [String] = []

  func validate() throws {
    let given = [metric, average, weights, optimize].compactMap { $0 }.count
    guard given == 1 else { throw ValidationError("give exactly one of --metric, --average, --weights, --optimize") }
    if !requirements.isEmpty, optimize == nil { throw ValidationError("--require goes with --optimize") }
  }

  /// The policy, and the directions given for its metrics.
  func rule() throws -> (policy: MetricPolicy, directions: [String: MetricDirection]) {
    var directions: [String: MetricDirection] = [:]
    func give(_ name: String, _ direction: MetricDirection, _ option: String) throws {
      if let other = directions[name], other != direction {
        throw LifecycleError.invalidValue(what: option, reason: "'\(name)' is given both directions; say once whether lower or higher is better")
      }
      directions[name] = direction
    }
    /// `NAME` or `NAME:min`.
    func name(_ text: String, _ option: String) throws -> String {
      guard let (name, direction) = MetricDirection.split(text.trimmingCharacters(in: .whitespaces)), !name.isEmpty else {
        throw LifecycleError.invalidValue(what: option, reason: "'\(text)' is not NAME, NAME:min or NAME:max")
      }
      if let direction { try give(name, direction, option) }
      return name
    }
    for m in minimized { try give(try name(m, "--minimize"), .lower, "--minimize") }
    for m in maximized { try give(try name(m, "--maximize"), .higher, "--maximize") }
    let policy = try policy(name)
    if let twice = Dictionary(grouping: policy.metrics, by: { $0 }).first(where: { $0.value.count > 1 })?.key {
      throw LifecycleError.invalidValue(what: "rule", reason: "'\(twice)' is listed twice; name each metric once")
    }
    let read = Set(policy.metrics)
    if let stray = directions.keys.sorted().first(where: { !read.contains($0) }) {
      throw LifecycleError.invalidValue(
        what: "--minimize/--maximize", reason: "'\(stray)' is not a metric of the rule (\(policy.metrics.joined(separator: ", ")))")
    }
    return (policy, directions)
  }

  private func policy(_ name: (String, String) throws -> String) throws -> MetricPolicy {
    if let metric { return .single(try name(metric, "--metric")) }
    if let average {
      let names = try average.split(separator: ",", omittingEmptySubsequences: false).map { try name(String($0), "--average") }
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
        return .init(metric: try name(pieces[0], "--weights"), weight: w)
      }
      return .weightedAverage(parts)
    }
    let bars = try requirements.map { text -> MetricPolicy.Requirement in
      guard let requirement = MetricPolicy.Requirement(parsing: text) else {
        throw LifecycleError.invalidValue(what: "--require", reason: "'\(text)' is not like 'recall>=0.6'")
      }
      return requirement
    }
    return .optimize(metric: try name(optimize!, "--optimize"), requirements: bars)
  }
}
