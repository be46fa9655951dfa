/// A rule that turns several metrics into the one number models are ranked by (DOMAIN.md,
/// "Metrics"): a single metric, the average or weighted average of several, or one metric
/// optimised subject to bars on others.
public enum MetricPolicy: Sendable, Equatable, Codable {
  case single(String)
  case average([String])
  /// Σ wᵢ mᵢ / Σ wᵢ.
  case weightedAverage([Weight])
  /// Optimise `metric` (in its direction) among models meeting every requirement; a model missing a bar is
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

  /// The rule in words, each metric's direction read from its name.
  public var description: String { describe() }

  /// The rule in words, each metric in its direction: "minimise error", "maximise the weighted
  /// average 0.7×acc − 0.3×latency_ms (lower-is-better metrics enter negated)".
  public func describe(directions given: [String: MetricDirection] = [:]) -> String {
    func direction(_ m: String) -> MetricDirection { MetricDirection.resolve(m, given: given).direction }
    func combined(_ terms: [(weight: Double?, metric: String)], _ what: String) -> String {
      let directions = Set(terms.map { direction($0.metric) })
      if directions.count == 1 {
        let list = terms.map { t in t.weight.map { "\(Self.number($0))×\(t.metric)" } ?? t.metric }
        return "\(directions.first!.verb) the \(what) \(list.joined(separator: terms.first?.weight == nil ? ", " : " + "))"
      }
      var text = ""
      for (i, t) in terms.enumerated() {
        let sign = direction(t.metric) == .lower ? "−" : (i == 0 ? "" : "+")
        text += (i == 0 ? sign : " \(sign) ") + (t.weight.map { "\(Self.number($0))×" } ?? "") + t.metric
      }
      return "maximise the \(what) \(text) (lower-is-better metrics enter negated)"
    }
    switch self {
    case .single(let m): return "\(direction(m).verb) \(m)"
    case .average(let ms): return combined(ms.map { (nil, $0) }, "average of")
    case .weightedAverage(let ws): return combined(ws.map { ($0.weight, $0.metric) }, "weighted average")
    case .optimize(let m, let rs):
      return "\(direction(m).verb) \(m) " + (rs.isEmpty ? "(no bars)" : "subject to " + rs.map(\.description).joined(separator: ", "))
    }
  }

  static func number(_ value: Double) -> String {
    value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
  }

  /// Why the policy cannot combine its metrics: an average over metrics of both directions in
  /// which some direction is only assumed (the sign it enters with would be a guess).
  public func directionProblem(given: [String: MetricDirection] = [:]) -> PolicyProblem? {
    switch self {
    case .single, .optimize: return nil
    case .average, .weightedAverage:
      let resolved = directions(given: given)
      guard Set(resolved.map(\.direction)).count > 1 else { return nil }
      let assumed = resolved.filter { !$0.isKnown }.map(\.metric)
      return assumed.isEmpty ? nil : .mixedDirections(assumed: assumed)
    }
  }

  /// The direction of every metric the policy reads, and why.
  /// (For `optimize`, only the optimised metric: a bar states its own comparison.)
  public func directions(given: [String: MetricDirection] = [:]) -> [MetricDirection.Resolved] {
    var seen = Set<String>()
    return rankedMetrics.filter { seen.insert($0).inserted }.map { MetricDirection.resolve($0, given: given) }
  }

  /// The metrics the score is made of.
  public var rankedMetrics: [String] {
    if case .optimize(let m, _) = self { return [m] }
    return metrics
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
  /// Why the weights cannot be used (a full sentence).
  case invalidWeight(String)
  /// A model's score is not a finite number (its figures overflow double precision).
  case notFinite(model: String)
  case empty
  /// An average over metrics of both directions, some of whose direction was only assumed.
  case mixedDirections(assumed: [String])
}

extension MetricPolicy {
  /// Ranks models (name → metric values), best first. Eligible models by score, best first; equal
  /// scores share a rank (1, 2, 2, 4) and are listed by name; ineligible models follow, by the
  /// optimised metric's value.
  ///
  /// `gates` adds failures found outside the policy itself (a slice or rare-class bar); a model
  /// with any is ineligible like one that misses a requirement.
  ///
  /// Each metric counts in its direction (`given` first, else its name, see `MetricDirection`):
  /// a lower-is-better metric ranks its smallest value first. An average over metrics of both
  /// directions negates the lower-is-better ones, and is refused while the direction of any of
  /// them is only assumed.
  public func rank(
    _ models: [(name: String, metrics: [String: Double])], gates: [String: [String]] = [:], directions given: [String: MetricDirection] = [:]
  ) throws(PolicyProblem) -> [RankedModel] {
    guard !models.isEmpty else { throw .empty }
    let available = Set(models.flatMap { $0.metrics.keys }).sorted()
    for metric in metrics where !models.allSatisfy({ $0.metrics[metric] != nil }) {
      throw .unknownMetric(metric, available: available)
    }
    if case .weightedAverage(let ws) = self {
      if let bad = ws.first(where: { !($0.weight.isFinite && $0.weight >= 0) }) {
        throw .invalidWeight("the weight of \(bad.metric) must be a non-negative number")
      }
      let total = ws.reduce(0, { $0 + $1.weight })
      if total <= 0 { throw .invalidWeight("all weights are zero; give at least one a positive weight") }
      if !total.isFinite { throw .invalidWeight("the weights add up to more than double precision holds; scale them down") }
      if let twice = Dictionary(grouping: ws, by: \.metric).first(where: { $0.value.count > 1 })?.key {
        throw .invalidWeight("\(twice) is weighted twice; give each metric one weight")
      }
    }
    if let problem = directionProblem(given: given) { throw problem }
    let resolved = Dictionary(directions(given: given).map { ($0.metric, $0) }, uniquingKeysWith: { a, _ in a })
    var order = MetricDirection.higher
    var signs: [String: Double] = [:]
    switch self {
    case .single(let m), .optimize(let m, _): order = resolved[m]!.direction
    case .average, .weightedAverage:
      let directions = Set(rankedMetrics.map { resolved[$0]!.direction })
      if directions.count == 1 {
        order = directions.first!
      } else {
        for m in rankedMetrics { signs[m] = resolved[m]!.direction == .lower ? -1 : 1 }
      }
    }
    func signed(_ metric: String, _ value: Double) -> Double { (signs[metric] ?? 1) * value }
    var scored: [(name: String, score: Double, eligible: Bool, failed: [String], raw: Double)] = []
    for model in models {
      let m = model.metrics
      switch self {
      case .single(let name):
        scored.append((model.name, m[name]!, true, [], m[name]!))
      case .average(let names):
        let value = names.reduce(0) { $0 + signed($1, m[$1]!) } / Double(names.count)
        scored.append((model.name, value, true, [], value))
      case .weightedAverage(let ws):
        let value = ws.reduce(0) { $0 + $1.weight * signed($1.metric, m[$1.metric]!) } / ws.reduce(0) { $0 + $1.weight }
        scored.append((model.name, value, true, [], value))
      case .optimize(let name, let requirements):
        let failed = requirements.filter { !$0.isMet(by: m[$0.metric]!) }.map(\.description)
        scored.append((model.name, failed.isEmpty ? m[name]! : 0, failed.isEmpty, failed, m[name]!))
      }
    }
    if let bad = scored.first(where: { !$0.score.isFinite || !$0.raw.isFinite }) { throw .notFinite(model: bad.name) }
    for i in scored.indices {
      guard let gated = gates[scored[i].name], !gated.isEmpty else { continue }
      scored[i].score = 0
      scored[i].eligible = false
      scored[i].failed += gated
    }
    scored.sort { a, b in
      if a.eligible != b.eligible { return a.eligible }
      if a.eligible, a.score != b.score { return order.isBetter(a.score, than: b.score) }
      if !a.eligible, a.raw != b.raw { return order.isBetter(a.raw, than: b.raw) }
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
