/// A rule that turns several metrics into the one number models are ranked by (DOMAIN.md,
/// "Metrics"): a single metric, the average or weighted average of several, or one metric
/// optimised subject to bars on others.
public enum MetricPolicy: Sendable, Equatable, Codable {
  case single(String)
  case average([String])
  /// Σ wᵢ mᵢ / Σ wᵢ.
  case weightedAverage([Weight])
  /// Maximise `metric` among models meeting every requirement; a model missing a bar is
  /// ineligible, scores 0 and ranks after every eligible model.
  case optimize(metric: String, requirements: [Requirement])

  public struct Weight: Sendable, Equatable, Codable {
    public var metric: String
    public var weight: Double

    public init(metric: String, weight: Double) {
      self.metric = metric
      self.weight = weight
    }
  }

  public struct Requirement: Sendable, Equatable, Codable, CustomStringConvertible {
    public enum Comparison: String, Sendable, Codable, CaseIterable {
      case atLeast = ">="
      case greaterThan = ">"
      case atMost = "<="
      case lessThan = "<"
    }

    public var metric: String
    public var comparison: Comparison
    public var threshold: Double

    public init(metric: String, comparison: Comparison, threshold: Double) {
      self.metric = metric
      self.comparison = comparison
      self.threshold = threshold
    }

    /// Parses `recall>=0.6`, `recall > 0.6`, `latency_ms<=50`.
    public init?(parsing text: String) {
      let compact = Array(text.filter { !$0.isWhitespace })
      guard let at = compact.firstIndex(where: { $0 == ">" || $0 == "<" }) else { return nil }
      let hasEquals = at + 1 < compact.count && compact[at + 1] == "="
      let comparison: Comparison =
        compact[at] == ">" ? (hasEquals ? .atLeast : .greaterThan) : (hasEquals ? .atMost : .lessThan)
      let name = String(compact[..<at])
      guard !name.isEmpty, let value = Double(String(compact[(at + (hasEquals ? 2 : 1))...])), value.isFinite else { return nil }
      self.init(metric: name, comparison: comparison, threshold: value)
    }

    public func isMet(by value: Double) -> Bool {
      switch comparison {
      case .atLeast: value >= threshold
      case .greaterThan: value > threshold
      case .atMost: value <= threshold
      case .lessThan: value < threshold
      }
    }

    public var description: String { "\(metric) \(comparison.rawValue) \(threshold)" }
  }

  /// Every metric the policy reads.
  public var metrics: [String] {
    switch self {
    case .single(let m): [m]
    case .average(let ms): ms
    case .weightedAverage(let ws): ws.map(\.metric)
    case .optimize(let m, let rs): [m] + rs.map(\.metric)
    }
  }

  public var description: String {
    switch self {
    case .single(let m): "maximise \(m)"
    case .average(let ms): "maximise the average of \(ms.joined(separator: ", "))"
    case .weightedAverage(let ws): "maximise the weighted average " + ws.map { "\($0.weight)×\($0.metric)" }.joined(separator: " + ")
    case .optimize(let m, let rs): "maximise \(m) subject to " + rs.map(\.description).joined(separator: ", ")
    }
  }
}

/// A model's place under a policy.
public struct RankedModel: Sendable, Encodable, Equatable {
  public var rank: Int
  public var model: String
  /// The policy's number (0 for an ineligible model, as DOMAIN.md's table shows it).
  public var score: Double
  public var eligible: Bool
  /// The requirements this model misses.
  public var failed: [String]
}

/// Why a table of results cannot be ranked under a policy.
public enum PolicyProblem: Error, Equatable, Sendable {
  case unknownMetric(String, available: [String])
  case invalidWeight(String)
  case empty
}

extension MetricPolicy {
  /// Ranks models (name → metric values), best first. Eligible models by score descending; equal
  /// scores share a rank (1, 2, 2, 4) and are listed by name; ineligible models follow, by the
  /// optimised metric's value.
  ///
  /// `gates` adds failures found outside the policy itself (a slice or rare-class bar); a model
  /// with any is ineligible like one that misses a requirement.
  public func rank(_ models: [(name: String, metrics: [String: Double])], gates: [String: [String]] = [:]) throws(PolicyProblem)
    -> [RankedModel]
  {
    guard !models.isEmpty else { throw .empty }
    let available = Set(models.flatMap { $0.metrics.keys }).sorted()
    for metric in metrics where !models.allSatisfy({ $0.metrics[metric] != nil }) {
      throw .unknownMetric(metric, available: available)
    }
    if case .weightedAverage(let ws) = self {
      if let bad = ws.first(where: { !($0.weight.isFinite && $0.weight >= 0) }) { throw .invalidWeight(bad.metric) }
      if ws.reduce(0, { $0 + $1.weight }) <= 0 { throw .invalidWeight("all weights are zero") }
    }
    var scored: [(name: String, score: Double, eligible: Bool, failed: [String], raw: Double)] = []
    for model in models {
      let m = model.metrics
      switch self {
      case .single(let name):
        scored.append((model.name, m[name]!, true, [], m[name]!))
      case .average(let names):
        let value = names.reduce(0) { $0 + m[$1]! } / Double(names.count)
        scored.append((model.name, value, true, [], value))
      case .weightedAverage(let ws):
        let value = ws.reduce(0) { $0 + $1.weight * m[$1.metric]! } / ws.reduce(0) { $0 + $1.weight }
        scored.append((model.name, value, true, [], value))
      case .optimize(let name, let requirements):
        let failed = requirements.filter { !$0.isMet(by: m[$0.metric]!) }.map(\.description)
        scored.append((model.name, failed.isEmpty ? m[name]! : 0, failed.isEmpty, failed, m[name]!))
      }
    }
    for i in scored.indices {
      guard let gated = gates[scored[i].name], !gated.isEmpty else { continue }
      scored[i].score = 0
      scored[i].eligible = false
      scored[i].failed += gated
    }
    scored.sort { a, b in
      if a.eligible != b.eligible { return a.eligible }
      if a.eligible, a.score != b.score { return a.score > b.score }
      if !a.eligible, a.raw != b.raw { return a.raw > b.raw }
      return a.name < b.name
    }
    var ranked: [RankedModel] = []
    for (position, entry) in scored.enumerated() {
      var rank = position + 1
      if let previous = ranked.last, entry.eligible, previous.eligible, previous.score == entry.score { rank = previous.rank }
      ranked.append(RankedModel(rank: rank, model: entry.name, score: entry.score, eligible: entry.eligible, failed: entry.failed))
    }
    return ranked
  }
}
