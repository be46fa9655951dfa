import Foundation
import Statistics
import VersionedStore

/// Runs side by side: what they were given (params, tags, dataset, labels, splits, code) and
/// each metric's figures, with the best run per metric by its direction.
public struct RunComparison: Sendable, Encodable {
  /// One field across the runs; nil where a run has none.
  public struct Field: Sendable, Encodable {
    public var field: String
    public var values: [JSONValue?]
    public var changed: Bool
  }

  public struct Metric: Sendable, Encodable {
    public var name: String
    public var direction: MetricDirection
    /// Per run, in the order of `runs`; nil where a run did not log it.
    public var runs: [MetricSummary?]
    /// The run with the best `best` figure (ties: the first); nil when no run has a number.
    public var bestRun: String?
    public var changed: Bool
  }

  public var runs: [String]
  public var inputs: [Field]
  public var params: [Field]
  public var tags: [Field]
  public var metrics: [Metric]
}

extension Workspace {
  /// Compares runs `ids` (2 to 1,000, each once).
  public func compareRuns(_ ids: [String], onlyChanged: Bool) throws -> RunComparison {
    guard ids.count >= 2 else { throw LifecycleError.invalidValue(what: "run compare", reason: "name at least two runs") }
    guard ids.count <= 1000 else { throw LifecycleError.invalidValue(what: "run compare", reason: "at most 1,000 runs at once") }
    if let repeated = ids.first(where: { id in ids.filter { $0 == id }.count > 1 }) {
      throw LifecycleError.invalidValue(what: "run compare", reason: "run '\(repeated)' is named twice")
    }
    let runs = try ids.map(run)
    let summaries = try ids.map { Dictionary(uniqueKeysWithValues: try metricSummaries($0).map { ($0.name, $0) }) }
    func field(_ name: String, _ value: (Run) -> JSONValue?) -> RunComparison.Field {
      let values = runs.map { value($0.run) }
      return RunComparison.Field(field: name, values: values, changed: Set(values.map { $0 ?? .null }).count > 1)
    }
    var inputs = [
      field("status") { .string($0.status.rawValue) },
      field("dataset") { $0.dataset.map { .string($0.description) } },
      field("dataset.sha256") { $0.dataset.map { .string($0.sha256) } },
      field("labels") { $0.labels.map { .string($0.sha256) } },
      field("labels.guidelines") { $0.labels.map { .array($0.guidelines.map { .int($0) }) } },
      field("splits") { $0.splits.map { .string($0.sha256) } },
      field("code") { $0.code.map { .string($0.commit) } },
      field("code.dirty") { $0.code?.dirty.map { .bool($0) } },
      field("parent") { $0.parent.map { .string($0) } },
    ]
    var params = Set(runs.flatMap { $0.run.params.keys }).sorted().map { key in field(key) { $0.params[key] } }
    var tags = Set(runs.flatMap { $0.run.tags.keys }).sorted().map { key in field(key) { $0.tags[key].map { .string($0) } } }
    var metrics = Set(summaries.flatMap(\.keys)).sorted().map { name -> RunComparison.Metric in
      let perRun = summaries.map { $0[name] }
      let direction = perRun.compactMap { $0 }.first!.direction
      var best: (Int, Double)?
      for (i, summary) in perRun.enumerated() {
        guard let value = summary?.best?.value else { continue }
        if best == nil || direction.isBetter(value, than: best!.1) { best = (i, value) }
      }
      let lasts = Set(perRun.map { $0.map { $0.last.value.isNaN ? "NaN" : String($0.last.value) } ?? "none" })
      return RunComparison.Metric(name: name, direction: direction, runs: perRun, bestRun: best.map { ids[$0.0] }, changed: lasts.count > 1)
    }
    if onlyChanged {
      inputs = inputs.filter(\.changed)
      params = params.filter(\.changed)
      tags = tags.filter(\.changed)
      metrics = metrics.filter(\.changed)
    }
    return RunComparison(runs: ids, inputs: inputs, params: params, tags: tags, metrics: metrics)
  }
}
