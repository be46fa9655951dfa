import Foundation
import Statistics
import VersionedStore

/// What a model must show before it is deployed: set by a lead, versioned. Version 0 is the
/// default gate (the `test` split under the metric policy and its bars, nothing else). Stored at
/// `gate/`. Schema: `schemas/kinds/gate.schema.json`.
public struct Gate: DocumentBody, Equatable {
  public static let kind = "gate"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["gate"])

  /// The split whose evaluation is judged.
  public var split: String
  /// The least ML Test Score (readiness) the project must have.
  public var readiness: Double?
  /// Whether the model must beat every baseline other than human level on the policy's metrics.
  public var beatBaselines: Bool
  /// The largest gap to human level allowed on the policy's metric (a fraction, model worse).
  public var maxHumanGap: Double?
  /// How far the policy's metric may fall in production before monitoring sends the team back
  /// to training.
  public var tolerance: Double

  public static let standard = Gate(split: "test", readiness: nil, beatBaselines: false, maxHumanGap: nil, tolerance: 0.02)

  public init(split: String, readiness: Double?, beatBaselines: Bool, maxHumanGap: Double?, tolerance: Double) {
    self.split = split
    self.readiness = readiness
    self.beatBaselines = beatBaselines
    self.maxHumanGap = maxHumanGap
    self.tolerance = tolerance
  }

  /// One line per requirement, as outputs print them.
  public var requirements: [String] {
    var lines = ["the evaluation on the \(split) split is eligible under the metric policy in force, every slice and per-class bar met"]
    if beatBaselines { lines.append("it beats every baseline other than human level on the policy's metrics") }
    if let readiness { lines.append("the ML Test Score (readiness) is at least \(shown(readiness))") }
    if let maxHumanGap { lines.append("the gap to human level on the policy's metric is at most \(shown(maxHumanGap))") }
    lines.append("in production, the policy's metric may fall by at most \(shown(tolerance)) (monitoring)")
    return lines
  }
}

/// One check of a sign-off, with its numbers.
public struct SignoffCheck: Codable, Sendable, Equatable {
  public var check: String
  public var passed: Bool
  /// What was found, in words, with the figures.
  public var detail: String
  public var value: Double?
  public var bound: Double?
}

/// The SME's decision on a model version, with the evidence judged. Each decision publishes a
/// new version of `signoffs/<model>/<version>/`. Schema: `schemas/kinds/signoff.schema.json`.
public struct Signoff: DocumentBody, Equatable {
  public static let kind = "signoff"
  public static let schemaVersion = 1
  public static func path(model: String, version: Int) -> RecordPath { RecordPath(trusted: ["signoffs", model, String(version)]) }

  public enum Decision: String, Codable, Sendable {
    /// The SME approved it and every check passed.
    case approved
    case rejected
    /// A lead approved it despite failed checks.
    case overridden
  }

  /// The evaluation judged.
  public struct EvaluationRef: Codable, Sendable, Equatable {
    public var run: String
    public var split: String
    public var version: Int
  }

  public var decision: Decision
  public var reason: String
  public var model: String
  public var modelVersion: Int
  public var evaluation: EvaluationRef?
  /// The metric policy version in force; nil when none was set.
  public var policyVersion: Int?
  /// 0 for the default gate.
  public var gateVersion: Int
  public var gate: Gate
  public var checks: [SignoffCheck]
  public var passed: Bool
  /// The versions of the other records the gate's checks read (`baselines/<id>`, `readiness`):
  /// a baseline added, changed or removed since, or a new readiness score, and the decision no
  /// longer holds. Nil in decisions recorded before mlw kept them.
  public var inputs: [String: Int]? = nil
}

/// The evidence for a model version and each check of the gate, as of now.
public struct SignoffEvidence: Sendable {
  public var model: StoredModel
  public var gate: Gate
  public var gateVersion: Int
  public var evaluation: StoredEvaluation?
  public var policyVersion: Int?
  public var policySummary: String?
  public var checks: [SignoffCheck]

  public var passed: Bool { checks.allSatisfy(\.passed) }
  public var failed: [SignoffCheck] { checks.filter { !$0.passed } }
}

/// A model version's standing: its latest decision, and whether that decision still holds.
public struct Approval: Sendable {
  public var signoff: Signoff?
  public var author: String?
  public var time: Date?
  public var version: Int
  /// Why an approval no longer holds (a newer evaluation, policy or gate); empty when it holds.
  public var stale: [String]

  /// Approved or overridden, for the evidence in force now.
  public var holds: Bool {
    guard let signoff, signoff.decision != .rejected else { return false }
    return stale.isEmpty
  }

  /// One line: `approved by sam (…)`, `rejected …`, `not signed off`.
  public var summary: String {
    guard let signoff else { return "not signed off" }
    var text =
      "\(signoff.decision.rawValue) by \(author ?? "?")"
      + (time.map { " " + Timestamp.format($0).prefix(16).replacingOccurrences(of: "T", with: " ") + "Z" } ?? "")
    if signoff.decision == .overridden { text += " despite \(signoff.checks.filter { !$0.passed }.count) failed check(s)" }
    if !stale.isEmpty, signoff.decision != .rejected { text += "; no longer holds: " + stale.joined(separator: "; ") }
    return text
  }
}

extension Workspace {
  /// The gate in force and its version (0: the default gate).
  public func gate() throws -> (Gate, Int) {
    let latest = try documents.latestVersion(of: Gate.path)
    guard latest > 0 else { return (.standard, 0) }
    return (try documents.read(Gate.path, version: latest).body(as: Gate.self), latest)
  }

  /// Sets the gate: the fields given change, the others keep their value.
  public func setGate(
    split: String?, readiness: Double?, beatBaselines: Bool?, maxHumanGap: Double?, tolerance: Double?, clear: [String], actor: Actor,
    message: String?, now: Date
  ) throws -> (Gate, Int) {
    var (gate, version) = try self.gate()
    let before = gate
    if let split {
      try Run.checkSplit(split)
      gate.split = split
    }
    if let readiness {
      guard readiness.isFinite, (0...7).contains(readiness) else {
        throw LifecycleError.invalidValue(what: "--readiness", reason: "the ML Test Score is between 0 and 7; got \(readiness)")
      }
      gate.readiness = readiness
    }
    if let beatBaselines { gate.beatBaselines = beatBaselines }
    if let maxHumanGap {
      guard maxHumanGap.isFinite, (0...1).contains(maxHumanGap) else {
        throw LifecycleError.invalidValue(what: "--max-human-gap", reason: "a gap is a fraction between 0 and 1; got \(maxHumanGap)")
      }
      gate.maxHumanGap = maxHumanGap
    }
    if let tolerance {
      guard tolerance.isFinite, (0...1).contains(tolerance) else {
        throw LifecycleError.invalidValue(what: "--tolerance", reason: "a tolerance is a fraction between 0 and 1; got \(tolerance)")
      }
      gate.tolerance = tolerance
    }
    for field in clear {
      switch field {
      case "readiness": gate.readiness = nil
      case "max-human-gap": gate.maxHumanGap = nil
      case "beat-baselines": gate.beatBaselines = false
      default:
        throw LifecycleError.invalidValue(what: "--clear", reason: "'\(field)' is not one of readiness, max-human-gap, beat-baselines")
      }
    }
    guard gate != before || version == 0 else { throw LifecycleError.refused("the gate is like that already (v\(version)); nothing changed") }
    let stored = try publish(
      Gate.path, gate, actor: actor, message: message ?? "gate: " + gate.requirements.dropLast().joined(separator: "; "), expecting: version,
      now: now)
    return (gate, stored.envelope.version)
  }

  /// The checks of the gate in force on model version `reference`, changing nothing.
  public func signoffEvidence(_ reference: String) throws -> SignoffEvidence {
    let model = try self.model(reference)
    let (gate, gateVersion) = try self.gate()
    let evaluation = try evaluations(of: model.model.run).first { $0.evaluation.split == gate.split }
    let policy = try metricPolicy()
    var checks: [SignoffCheck] = []
    guard let evaluation else {
      checks.append(
        SignoffCheck(
          check: "evaluation", passed: false,
          detail:
            "run \(model.model.run) has no evaluation on the \(gate.split) split (mlw engineer run evaluate \(model.model.run) --split \(gate.split) --predictions FILE)",
          value: nil, bound: nil))
      checks += try readinessCheck(gate)
      return SignoffEvidence(
        model: model, gate: gate, gateVersion: gateVersion, evaluation: nil, policyVersion: policy?.1, policySummary: policy?.0.summary,
        checks: checks)
    }
    let metrics = evaluation.evaluation.metrics
    checks.append(
      SignoffCheck(
        check: "evaluation", passed: true,
        detail:
          "run \(model.model.run) on \(gate.split): \(evaluation.evaluation.items) items, evaluation v\(evaluation.version) by \(evaluation.author)",
        value: nil, bound: nil))
    if let (record, version) = policy {
      checks += policyChecks(record, version: version, metrics: metrics, name: model.reference)
      if gate.beatBaselines { checks += try baselineChecks(record, metrics: metrics) }
      if let bound = gate.maxHumanGap { checks.append(try humanGapCheck(record, metrics: metrics, bound: bound)) }
    } else {
      checks.append(
        SignoffCheck(
          check: "metric policy", passed: false, detail: "no metric policy is set (a lead or the SME sets one: mlw lead metric-policy set)",
          value: nil, bound: nil))
    }
    checks += try readinessCheck(gate)
    return SignoffEvidence(
      model: model, gate: gate, gateVersion: gateVersion, evaluation: evaluation, policyVersion: policy?.1, policySummary: policy?.0.summary,
      checks: checks)
  }

  private func policyChecks(_ record: MetricPolicyRecord, version: Int, metrics: [String: Double], name: String) -> [SignoffCheck] {
    var checks: [SignoffCheck] = []
    do {
      let ranked = try record.rule.policy.rank([(name: name, metrics: metrics)], directions: record.rule.givenDirections)
      let score = ranked[0].score
      let requirementsFailed = ranked[0].failed
      checks.append(
        SignoffCheck(
          check: "metric policy", passed: requirementsFailed.isEmpty,
          detail: "v\(version) (\(record.summary)): "
            + (requirementsFailed.isEmpty
              ? "score \(shown(score)) (eligible only if every bar below is met)"
              : "misses " + requirementsFailed.joined(separator: ", ") + Self.requirementFigures(record, metrics)),
          value: requirementsFailed.isEmpty ? score : nil, bound: nil))
    } catch PolicyProblem.unknownMetric(let metric, _) {
      checks.append(
        SignoffCheck(
          check: "metric policy", passed: false, detail: "v\(version) (\(record.summary)) uses '\(metric)', which this evaluation does not have",
          value: nil, bound: nil))
    } catch {
      checks.append(SignoffCheck(check: "metric policy", passed: false, detail: "v\(version): \(error)", value: nil, bound: nil))
    }
    for bar in record.sliceBars { checks.append(bar.check(metrics)) }
    return checks
  }

  private static func requirementFigures(_ record: MetricPolicyRecord, _ metrics: [String: Double]) -> String {
    guard case .optimize(_, let requirements) = record.rule.policy else { return "" }
    let figures = requirements.compactMap { r in metrics[r.metric].map { "\(r.metric) is \(shown($0))" } }
    return figures.isEmpty ? "" : " (" + figures.joined(separator: ", ") + ")"
  }

  /// The metrics the policy ranks by, which baselines and human level are compared on.
  private static func policyMetrics(_ record: MetricPolicyRecord) -> [String] {
    switch record.rule.policy {
    case .single(let m), .optimize(let m, _): [m]
    case .average(let ms): ms
    case .weightedAverage(let ws): ws.map(\.metric)
    }
  }

  /// Whether a baseline figure of `metric` speaks to the policy metric `m` (an error baseline
  /// to accuracy).
  private static func matches(_ metric: String, _ m: String) -> Bool { metric == m || (metric == "error" && m == "accuracy") }

  private func baselineChecks(_ record: MetricPolicyRecord, metrics: [String: Double]) throws -> [SignoffCheck] {
    let wanted = Self.policyMetrics(record)
    let comparisons = try compareWithBaselines(metrics).filter { c in
      c.type != .humanLevel && wanted.contains(where: { Self.matches(c.metric, $0) })
    }
    guard !comparisons.isEmpty else {
      return [
        SignoffCheck(
          check: "beats baselines", passed: true,
          detail: "no baseline other than human level records \(wanted.joined(separator: " or ")); nothing to beat (mlw engineer baseline add)",
          value: nil, bound: nil)
      ]
    }
    return comparisons.map { c in
      SignoffCheck(
        check: "beats baseline \(c.baseline)", passed: c.beats,
        detail:
          "\(c.metric) \(shown(c.value)) \(c.beats ? "beats" : "does not beat") \(c.type.rawValue) \(shown(c.baselineValue)) (\(c.direction.rawValue) is better)",
        value: c.value, bound: c.baselineValue)
    }
  }

  private func humanGapCheck(_ record: MetricPolicyRecord, metrics: [String: Double], bound: Double) throws -> SignoffCheck {
    let wanted = Self.policyMetrics(record)
    let human = try compareWithBaselines(metrics).filter { c in c.type == .humanLevel && wanted.contains(where: { Self.matches(c.metric, $0) }) }
    // The strongest human level counts: the largest gap.
    func gap(_ c: Evaluation.BaselineComparison) -> Double { c.direction == .higher ? c.baselineValue - c.value : c.value - c.baselineValue }
    guard let strongest = human.max(by: { gap($0) < gap($1) }) else {
      return SignoffCheck(
        check: "gap to human level", passed: false,
        detail: "no human-level baseline records \(wanted.joined(separator: " or ")); the SME records one (mlw sme baseline add)", value: nil,
        bound: bound)
    }
    let g = gap(strongest)
    return SignoffCheck(
      check: "gap to human level", passed: g <= bound + 1e-12,
      detail:
        "\(strongest.metric) \(shown(strongest.value)) against human level \(shown(strongest.baselineValue)) (\(strongest.baseline)): gap \(shown(g)), at most \(shown(bound))",
      value: g, bound: bound)
  }

  private func readinessCheck(_ gate: Gate) throws -> [SignoffCheck] {
    guard let needed = gate.readiness else { return [] }
    let score = try readiness().0.score
    return [
      SignoffCheck(
        check: "readiness", passed: score >= needed,
        detail: "ML Test Score \(shown(score)), at least \(shown(needed)) (mlw lead readiness show)", value: score,
        bound: needed)
    ]
  }

  /// The versions of the records `gate`'s checks read besides the evaluation, policy and gate:
  /// the baselines when it compares with them, the readiness score when it asks for one.
  func signoffInputs(gate: Gate) throws -> [String: Int] {
    var inputs: [String: Int] = [:]
    if gate.beatBaselines || gate.maxHumanGap != nil {
      for stored in try baselines() { inputs["baselines/\(stored.id)"] = stored.version }
    }
    if gate.readiness != nil { inputs["readiness"] = try readiness().1 }
    return inputs
  }

  /// The latest decision on model version `reference` and whether it still holds.
  public func approval(_ reference: String) throws -> Approval {
    let model = try self.model(reference)
    let path = Signoff.path(model: model.name, version: model.version)
    let latest = try documents.latestVersion(of: path)
    guard latest > 0 else { return Approval(signoff: nil, author: nil, time: nil, version: 0, stale: []) }
    let stored = try documents.read(path, version: latest)
    let signoff = try stored.body(as: Signoff.self)
    var stale: [String] = []
    let (gate, gateVersion) = try self.gate()
    if gateVersion != signoff.gateVersion { stale.append("the gate is at v\(gateVersion) (judged under v\(signoff.gateVersion))") }
    let policyVersion = try metricPolicy()?.1
    if policyVersion != signoff.policyVersion {
      stale.append("the metric policy is at v\(policyVersion ?? 0) (judged under v\(signoff.policyVersion ?? 0))")
    }
    if let judged = signoff.inputs {
      let now = try signoffInputs(gate: signoff.gate)
      for key in Set(judged.keys).union(now.keys).sorted() where judged[key] != now[key] {
        switch (judged[key], now[key]) {
        case (nil, let v?): stale.append("\(key) v\(v) was recorded since")
        case (let v?, nil): stale.append("\(key) (judged at v\(v)) is gone")
        case (let a?, let b?): stale.append("\(key) is at v\(b) (judged at v\(a))")
        default: break
        }
      }
    }
    let evaluation = try evaluations(of: model.model.run).first { $0.evaluation.split == gate.split }
    if evaluation?.version != signoff.evaluation?.version || gate.split != signoff.evaluation?.split {
      let judged = signoff.evaluation.map { "\($0.split) v\($0.version)" } ?? "none"
      stale.append(
        evaluation.map { "the evaluation on \(gate.split) is at v\($0.version) (judged: \(judged))" }
          ?? "the run has no evaluation on \(gate.split), the gate's split (judged: \(judged))")
    }
    return Approval(signoff: signoff, author: stored.envelope.author, time: stored.envelope.time, version: latest, stale: stale)
  }

  /// Records a decision on model version `reference` with the checks as of now. An approval
  /// (`approved`) is refused unless every check passes; `overridden` is a lead's approval
  /// despite failed checks.
  public func signOff(_ reference: String, decision: Signoff.Decision, reason: String, actor: Actor, now: Date) throws -> (
    SignoffEvidence, Approval
  ) {
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    try PlainText.check(reason, what: "--reason")
    guard !reason.isEmpty, reason.utf8.count <= 2000 else {
      throw LifecycleError.invalidValue(what: "--reason", reason: "say why, in at most 2,000 bytes")
    }
    let evidence = try signoffEvidence(reference)
    let model = evidence.model
    guard reference.contains("@") else {
      throw LifecycleError.invalidValue(what: "model", reason: "name the version you judge, like \(model.reference)")
    }
    let current = try approval(model.reference)
    if current.holds, current.signoff?.decision == decision {
      throw LifecycleError.refused("\(model.reference) is \(current.summary) already, for the evidence in force; nothing to record")
    }
    if decision == .approved, !evidence.passed {
      let failed = evidence.failed.map { "\($0.check): \($0.detail)" }.joined(separator: "; ")
      throw LifecycleError.refused(
        "\(model.reference) is not approved: \(evidence.failed.count) of \(evidence.checks.count) checks failed: \(failed); fix them and approve again, or a lead overrides (mlw lead signoff override \(model.reference) --reason R)"
      )
    }
    let signoff = Signoff(
      decision: decision, reason: reason, model: model.name, modelVersion: model.version,
      evaluation: evidence.evaluation.map { .init(run: $0.run, split: $0.evaluation.split, version: $0.version) },
      policyVersion: evidence.policyVersion, gateVersion: evidence.gateVersion, gate: evidence.gate, checks: evidence.checks,
      passed: evidence.passed, inputs: try signoffInputs(gate: evidence.gate))
    let path = Signoff.path(model: model.name, version: model.version)
    let latest = try documents.latestVersion(of: path)
    let verb = ["approved": "approve", "rejected": "reject", "overridden": "override the gate for"][decision.rawValue]!
    _ = try publish(path, signoff, actor: actor, message: "\(verb) \(model.reference): \(reason)", expecting: latest, now: now)
    return (evidence, try approval(model.reference))
  }
}

extension MetricPolicyRecord.SliceBar {
  /// This bar on `metrics`, with the figures: the value and the threshold, or the slice furthest
  /// from overall.
  func check(_ metrics: [String: Double]) -> SignoffCheck {
    let name = "bar \(description)"
    if kind == "absolute" {
      let column = "\(metric)[\(slice)]"
      guard let value = metrics[column] else {
        return SignoffCheck(
          check: name, passed: false, detail: "this evaluation has no \(column) (the class or slice is missing from its predictions)", value: nil,
          bound: threshold)
      }
      let met = MetricPolicy.Requirement.Comparison(rawValue: comparison).map {
        MetricPolicy.Requirement(metric: column, comparison: $0, threshold: threshold).isMet(by: value)
      }
      return SignoffCheck(
        check: name, passed: met ?? false, detail: "\(column) is \(shown(value)), needs \(comparison) \(shown(threshold))",
        value: value, bound: threshold)
    }
    let prefix = "\(metric)[\(slice)="
    let columns = metrics.keys.filter { $0.hasPrefix(prefix) && $0.hasSuffix("]") }.sorted()
    guard let overall = metrics[metric], !columns.isEmpty else {
      return SignoffCheck(
        check: name, passed: false, detail: "this evaluation has no \(prefix)…] figures (evaluate with --slice \(slice))", value: nil,
        bound: threshold)
    }
    let worst = columns.max { abs(metrics[$0]! - overall) < abs(metrics[$1]! - overall) }!
    let gap = abs(metrics[worst]! - overall)
    return SignoffCheck(
      check: name, passed: gap <= threshold + 1e-12,
      detail:
        "furthest: \(worst) \(shown(metrics[worst]!)), \(shown(gap)) from overall \(shown(overall)); at most \(shown(threshold))",
      value: gap, bound: threshold)
  }
}

/// A figure for a check's detail: at most 4 decimals, trailing zeros dropped.
func shown(_ value: Double) -> String {
  guard value.isFinite else { return String(value) }
  if value != 0, abs(value) < 1e-3 { return String(format: "%.3g", value) }
  var text = String(format: "%.4f", value)
  while text.hasSuffix("0") { text.removeLast() }
  if text.hasSuffix(".") { text.removeLast() }
  return text == "-0" ? "0" : text
}
