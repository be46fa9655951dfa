import Foundation
import Statistics
import VersionedStore

/// The workspace's metric policy: the candidate metrics, the single-number rule models are
/// ranked by, and the bars that key slices and rare classes must clear on their own (DOMAIN.md,
/// "Metrics"; "Error analysis"). Versioned, because the choice changes. Stored at
/// `metric-policy/`. Schema: `schemas/kinds/metric-policy.schema.json`.
public struct MetricPolicyRecord: DocumentBody, Equatable {
  public static let kind = "metric-policy"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["metric-policy"])

  /// The rule in its stored form; `policy` gives the engine's.
  public struct Rule: Codable, Sendable, Equatable {
    /// single, average, weighted-average, optimize or domain-formula.
    public var type: String
    public var metric: String?
    public var metrics: [String]?
    public var weights: [String: Double]?
    public var requirements: [Requirement]?
    /// For a domain formula: its name (mAP, F1, …); models are ranked by the column `metric`.
    public var formula: String?
    /// The directions given when the policy was set (`error:min`, `--minimize`), "higher" or
    /// "lower" by metric; a metric not listed takes its direction from its name.
    public var directions: [String: String]?

    public init(_ policy: MetricPolicy, formula: String? = nil, directions given: [String: MetricDirection] = [:]) {
      directions = given.isEmpty ? nil : given.mapValues(\.rawValue)
      switch policy {
      case .single(let m):
        type = formula == nil ? "single" : "domain-formula"
        metric = m
        self.formula = formula
      case .average(let ms):
        type = "average"
        metrics = ms
      case .weightedAverage(let ws):
        type = "weighted-average"
        weights = Dictionary(ws.map { ($0.metric, $0.weight) }, uniquingKeysWith: +)
      case .optimize(let m, let rs):
        type = "optimize"
        metric = m
        requirements = rs.map { Requirement(metric: $0.metric, comparison: $0.comparison.rawValue, threshold: $0.threshold) }
      }
    }

    /// The directions given, in the engine's form.
    public var givenDirections: [String: MetricDirection] { (directions ?? [:]).compactMapValues(MetricDirection.init(rawValue:)) }

    /// The engine's policy.
    public var policy: MetricPolicy {
      switch type {
      case "average": return .average(metrics ?? [])
      case "weighted-average":
        return .weightedAverage((weights ?? [:]).keys.sorted().map { .init(metric: $0, weight: weights![$0]!) })
      case "optimize":
        return .optimize(
          metric: metric ?? "",
          requirements: (requirements ?? []).compactMap { r in
            MetricPolicy.Requirement.Comparison(rawValue: r.comparison).map { .init(metric: r.metric, comparison: $0, threshold: r.threshold) }
          })
      default: return .single(metric ?? "")
      }
    }
  }

  public struct Requirement: Codable, Sendable, Equatable {
    public var metric: String
    public var comparison: String
    public var threshold: Double
  }

  /// A bar a slice or a rare class must clear by itself.
  ///
  /// `absolute`: the column `metric[slice]` (e.g. `recall[defect]`) compared with the threshold.
  /// `gap`: every column `metric[slice=…]` (e.g. `accuracy[region=eu]`) within `threshold` of the
  /// overall `metric` column.
  public struct SliceBar: Codable, Sendable, Equatable, CustomStringConvertible {
    public var kind: String
    public var metric: String
    public var slice: String
    public var comparison: String
    public var threshold: Double

    /// Parses `recall[defect]>=0.8` (absolute) or `accuracy[region]~0.02` (gap).
    public init(parsing text: String) throws {
      let compact = text.filter { !$0.isWhitespace }
      guard let open = compact.firstIndex(of: "["), let close = compact.firstIndex(of: "]"), open < close else {
        throw LifecycleError.invalidValue(what: "slice bar", reason: "'\(text)' is not like 'recall[defect]>=0.8' or 'accuracy[region]~0.02'")
      }
      metric = String(compact[..<open])
      slice = String(compact[compact.index(after: open)..<close])
      let rest = String(compact[compact.index(after: close)...])
      guard !metric.isEmpty, !slice.isEmpty else {
        throw LifecycleError.invalidValue(what: "slice bar", reason: "'\(text)' needs a metric and a slice, like 'recall[defect]>=0.8'")
      }
      if rest.hasPrefix("~") {
        guard let value = Double(rest.dropFirst()), value >= 0, value.isFinite else {
          throw LifecycleError.invalidValue(what: "slice bar", reason: "'\(text)': the gap after ~ must be a non-negative number")
        }
        (kind, comparison, threshold) = ("gap", "<=", value)
      } else {
        guard let requirement = MetricPolicy.Requirement(parsing: "x" + rest) else {
          throw LifecycleError.invalidValue(what: "slice bar", reason: "'\(text)' is not like 'recall[defect]>=0.8'")
        }
        (kind, comparison, threshold) = ("absolute", requirement.comparison.rawValue, requirement.threshold)
      }
    }

    public var description: String {
      kind == "gap" ? "\(metric) on every \(slice) within \(threshold) of overall" : "\(metric)[\(slice)] \(comparison) \(threshold)"
    }

    /// What `models`' result columns say about this bar: the failures per model. A table that
    /// lacks the columns the bar needs is an error, not a pass.
    func failures(_ models: [(name: String, metrics: [String: Double])], columns: [String]) throws -> [String: [String]] {
      var result: [String: [String]] = [:]
      if kind == "absolute" {
        let column = "\(metric)[\(slice)]"
        guard columns.contains(column) else { throw PolicyTableError.missingColumn(column, bar: description) }
        let requirement = MetricPolicy.Requirement(
          metric: column, comparison: MetricPolicy.Requirement.Comparison(rawValue: comparison)!, threshold: threshold)
        for model in models where !requirement.isMet(by: model.metrics[column]!) { result[model.name, default: []].append(description) }
        return result
      }
      let prefix = "\(metric)[\(slice)="
      let sliceColumns = columns.filter { $0.hasPrefix(prefix) && $0.hasSuffix("]") }
      guard columns.contains(metric) else { throw PolicyTableError.missingColumn(metric, bar: description) }
      guard !sliceColumns.isEmpty else { throw PolicyTableError.missingColumn(prefix + "…]", bar: description) }
      for model in models {
        let overall = model.metrics[metric]!
        for column in sliceColumns where abs(model.metrics[column]! - overall) > threshold + 1e-12 {
          result[model.name, default: []].append("\(column) is \(Figure.format(abs(model.metrics[column]! - overall))) from overall \(metric)")
        }
      }
      return result
    }
  }

  public var candidates: [String]
  public var rule: Rule
  public var sliceBars: [SliceBar]
  public var rationale: String?

  public init(candidates: [String], rule: Rule, sliceBars: [SliceBar], rationale: String?) {
    self.candidates = candidates
    self.rule = rule
    self.sliceBars = sliceBars
    self.rationale = rationale
  }

  /// The error for an average over metrics of both directions with some direction only assumed.
  public static func mixedDirections(assumed: [String]) -> LifecycleError {
    let names = assumed.map { "'\($0)'" }.joined(separator: ", ")
    let which = assumed.count == 1 ? "the name \(names) does not say which it is" : "the names \(names) do not say which they are"
    return .invalidValue(
      what: "rule",
      reason: "it averages lower- and higher-is-better metrics and \(which); give it, e.g. \(assumed[0]):max or --minimize \(assumed[0])")
  }

  /// A one-line account of the rule.
  public var summary: String {
    let text = rule.policy.describe(directions: rule.givenDirections)
    if let formula = rule.formula { return "\(text) (domain formula \(formula))" }
    return text
  }
}

/// Why a results table cannot be ranked under the workspace's policy.
public enum PolicyTableError: Error, Equatable {
  case missingColumn(String, bar: String)
}

extension Workspace {
  /// The current metric policy and its version, or nil before one is set.
  public func metricPolicy() throws -> (MetricPolicyRecord, Int)? {
    let latest = try documents.latestVersion(of: MetricPolicyRecord.path)
    guard latest > 0 else { return nil }
    let stored = try documents.read(MetricPolicyRecord.path, version: latest)
    return (try stored.body(as: MetricPolicyRecord.self), latest)
  }

  /// Publishes a new version of the metric policy on top of the one read (or `ifVersion`).
  @discardableResult
  public func setMetricPolicy(_ record: MetricPolicyRecord, actor: Actor, message: String?, ifVersion: Int?, now: Date) throws -> Int {
    let current = try documents.latestVersion(of: MetricPolicyRecord.path)
    let metrics = record.rule.policy.metrics
    if let bad = (metrics + record.sliceBars.map(\.metric) + record.candidates).first(where: { Name.problem(with: $0) != nil }) {
      throw LifecycleError.invalidValue(what: "metric name", reason: "'\(bad)' must be like f1 or recall-defect ([a-z0-9][a-z0-9._-]*)")
    }
    if case .mixedDirections(let assumed)? = record.rule.policy.directionProblem(given: record.rule.givenDirections) {
      throw MetricPolicyRecord.mixedDirections(assumed: assumed)
    }
    if !record.candidates.isEmpty, let missing = metrics.first(where: { !record.candidates.contains($0) }) {
      throw LifecycleError.invalidValue(
        what: "--candidates",
        reason:
          "the rule uses '\(missing)', which is not among the candidates (\(record.candidates.joined(separator: ", "))); give --candidates, or --no-candidates"
      )
    }
    let stored = try publish(
      MetricPolicyRecord.path, record, actor: actor, message: message ?? "metric policy: \(record.summary)",
      expecting: ifVersion ?? current, now: now)
    return stored.envelope.version
  }

  /// Ranks a results table under the current policy, with its slice and rare-class bars.
  public func rankUnderPolicy(_ models: [(name: String, metrics: [String: Double])], columns: [String]) throws -> (MetricPolicyRecord, [RankedModel])
  {
    guard let (record, _) = try metricPolicy() else {
      throw StoreError.notFound(what: "metric policy", hint: "none is set yet: a lead or the SME sets one (mlw lead metric-policy set)")
    }
    var gates: [String: [String]] = [:]
    for bar in record.sliceBars {
      for (model, failures) in try bar.failures(models, columns: columns) { gates[model, default: []] += failures }
    }
    return (record, try record.rule.policy.rank(models, gates: gates, directions: record.rule.givenDirections))
  }
}
