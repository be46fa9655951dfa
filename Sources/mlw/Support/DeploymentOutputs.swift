import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

/// What `lead gate set` and `lead gate show` print: the gate in force and what it asks.
struct GateOutput: CommandOutput {
  var gate: Gate
  var version: Int
  var verb: String?

  enum CodingKeys: String, CodingKey { case version, isDefault, split, readiness, beatBaselines, maxHumanGap, tolerance, requirements }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(version, forKey: .version)
    try c.encode(version == 0, forKey: .isDefault)
    try c.encode(gate.split, forKey: .split)
    try c.encodeIfPresent(gate.readiness, forKey: .readiness)
    try c.encode(gate.beatBaselines, forKey: .beatBaselines)
    try c.encodeIfPresent(gate.maxHumanGap, forKey: .maxHumanGap)
    try c.encode(gate.tolerance, forKey: .tolerance)
    try c.encode(gate.requirements, forKey: .requirements)
  }

  func render() -> String {
    var out = verb.map { "\($0)\n" } ?? ""
    out += version == 0 ? "the default gate (no gate is set; a lead sets one: mlw lead gate set)\n" : "gate v\(version)\n"
    out += "a model version is approved for deployment when:\n"
    for line in gate.requirements { out += "  - \(line)\n" }
    return out
  }
}

/// What `signoff check`, `approve`, `reject` and `override` print: each check with its numbers.
struct SignoffOutput: CommandOutput {
  var evidence: SignoffEvidence
  var approval: Approval
  /// "approved", "rejected", "overridden"; nil for `check`.
  var decision: String?

  enum CodingKeys: String, CodingKey {
    case model, run, gateVersion, gateIsDefault, split, evaluation, policyVersion, policy, checks, passed, decision, signoff
  }

  struct EvaluationRef: Encodable {
    var run: String
    var split: String
    var version: Int
    var author: String
  }

  struct SignoffState: Encodable {
    var decision: String?
    var author: String?
    var reason: String?
    var holds: Bool
    var stale: [String]
    var summary: String
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(evidence.model.reference, forKey: .model)
    try c.encode(evidence.model.model.run, forKey: .run)
    try c.encode(evidence.gateVersion, forKey: .gateVersion)
    try c.encode(evidence.gateVersion == 0, forKey: .gateIsDefault)
    try c.encode(evidence.gate.split, forKey: .split)
    try c.encodeIfPresent(
      evidence.evaluation.map { EvaluationRef(run: $0.run, split: $0.evaluation.split, version: $0.version, author: $0.author) },
      forKey: .evaluation)
    try c.encodeIfPresent(evidence.policyVersion, forKey: .policyVersion)
    try c.encodeIfPresent(evidence.policySummary, forKey: .policy)
    try c.encode(evidence.checks, forKey: .checks)
    try c.encode(evidence.passed, forKey: .passed)
    try c.encodeIfPresent(decision, forKey: .decision)
    try c.encode(
      SignoffState(
        decision: approval.signoff?.decision.rawValue, author: approval.author, reason: approval.signoff?.reason, holds: approval.holds,
        stale: approval.stale, summary: approval.summary), forKey: .signoff)
  }

  func render() -> String {
    var out = ""
    if let decision { out += "\(decision) \(evidence.model.reference)\n" }
    let gate = evidence.gateVersion == 0 ? "the default gate" : "gate v\(evidence.gateVersion)"
    out += "\(evidence.model.reference) (run \(evidence.model.model.run)) under \(gate)"
    out += evidence.policyVersion.map { ", metric policy v\($0)" } ?? ", no metric policy"
    out += "\n"
    var table = TextTable(["CHECK", "RESULT", "DETAIL"])
    for check in evidence.checks { table.add([check.check, check.passed ? "pass" : "FAIL", check.detail]) }
    out += table.render(indent: "  ")
    let failed = evidence.failed.count
    out += failed == 0 ? "all \(evidence.checks.count) checks pass\n" : "\(failed) of \(evidence.checks.count) checks fail\n"
    out += "sign-off: \(approval.summary)\n"
    return out
  }

  /// `check` exits 1 when a check fails, as every check does; a recorded decision exits 0.
  var failure: (any CategorizedError)? {
    guard decision == nil, !evidence.passed else { return nil }
    return ChecksFailed(model: evidence.model.reference, failed: evidence.failed.count, of: evidence.checks.count)
  }

  struct ChecksFailed: CategorizedError {
    var model: String
    var failed: Int
    var of: Int
    var category: ErrorCategory { .checkFailed }
    var message: String { "\(model) fails \(failed) of \(of) checks of the gate" }
  }
}

/// What the deployment commands print: what serves which share now, what a rollback goes back
/// to, the open considerations.
struct DeploymentOutput: CommandOutput {
  var stored: StoredDeployment
  var history: [StoredDeployment]
  var verb: String?
  /// The sign-off of each version serving now, by `NAME@V`.
  var signoffs: [String: SignoffState] = [:]

  struct SignoffState: Encodable {
    var holds: Bool
    var summary: String
  }

  init(stored: StoredDeployment, history: [StoredDeployment], verb: String?, workspace: Workspace) throws {
    self.stored = stored
    self.history = history
    self.verb = verb
    for share in [stored.deployment.primary, stored.deployment.canary].compactMap({ $0 }) {
      let approval = try workspace.approval(share.reference)
      signoffs[share.reference] = SignoffState(holds: approval.holds, summary: approval.summary)
    }
  }

  enum CodingKeys: String, CodingKey {
    case target, version, author, time, message, form, env, serving, canary, rollbackTo, served, checklist, openConsiderations, history
    case signoffs
  }

  struct Event: Encodable {
    var version: Int
    var author: String
    var time: String
    var message: String
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    let d = stored.deployment
    try c.encode(stored.target, forKey: .target)
    try c.encode(stored.version, forKey: .version)
    try c.encode(stored.author, forKey: .author)
    try c.encode(Timestamp.format(stored.time), forKey: .time)
    try c.encode(stored.message, forKey: .message)
    try c.encode(d.form, forKey: .form)
    try c.encode(d.env, forKey: .env)
    try c.encodeIfPresent(d.primary, forKey: .serving)
    try c.encodeIfPresent(d.canary, forKey: .canary)
    try c.encodeIfPresent(d.rollbackTarget?.reference, forKey: .rollbackTo)
    try c.encode(d.served, forKey: .served)
    try c.encode(d.checklist, forKey: .checklist)
    try c.encode(d.openConsiderations, forKey: .openConsiderations)
    try c.encode(
      history.map { Event(version: $0.version, author: $0.author, time: Timestamp.format($0.time), message: $0.message) }, forKey: .history)
    try c.encode(signoffs, forKey: .signoffs)
  }

  func render() -> String {
    let d = stored.deployment
    var out = verb.map { "\($0)\n" } ?? ""
    out += "\(stored.target) (\(d.form.rawValue)), v\(stored.version)\n"
    var table = TextTable(["SERVES", "TRAFFIC", "ARTIFACT"], alignments: [.left, .right, .left])
    if let p = d.primary { table.add([p.reference, "\(p.traffic)%", p.sha256.map(shortHash) ?? "no artifact"]) }
    if let canary = d.canary { table.add([canary.reference + " (canary)", "\(canary.traffic)%", canary.sha256.map(shortHash) ?? "no artifact"]) }
    if d.primary == nil, let canary = d.canary { table.add(["outside mlw", "\(100 - canary.traffic)%", "-"]) }
    out += table.rows.isEmpty ? "  nothing serves it\n" : table.render(indent: "  ")
    let rollback =
      d.rollbackTarget.map(\.reference) ?? (d.canary != nil ? "withdrawing the canary" : "nothing (no earlier version served all traffic)")
    out += "rollback goes to: \(rollback)\n"
    for (reference, state) in signoffs.sorted(by: { $0.key < $1.key }) where !state.holds {
      out += "warning: \(reference) serves, but its sign-off does not hold: \(state.summary)\n"
    }
    if !d.env.isEmpty { out += "env: " + d.env.keys.sorted().map { "\($0)=\(d.env[$0]!)" }.joined(separator: " ") + "\n" }
    let open = d.openConsiderations
    if verb == nil {
      var table = TextTable(["CONSIDERATION", "STATUS", "BY", "NOTE"])
      for (id, text) in Deployment.considerations {
        let state = d.checklist[id]
        table.add([id, state?.status ?? "open", state.map { "\($0.by) (\($0.role))" } ?? "-", state?.note ?? text])
      }
      out += "\nconsiderations before deploying (\(open.count) open)\n" + table.render(indent: "  ")
    } else if !open.isEmpty {
      out += "considerations open: \(open.joined(separator: ", ")) (mlw engineer deployment check \(stored.target) ITEM --status done --note N)\n"
    }
    if history.count > 1 {
      var events = TextTable(["VERSION", "WHEN", "WHO", "CHANGE"], alignments: [.right, .left, .left, .left])
      for event in history.suffix(10) { events.add(["v\(event.version)", shortTime(event.time), event.author, event.message]) }
      out += "\nhistory" + (history.count > 10 ? " (last 10 of \(history.count))" : "") + "\n" + events.render(indent: "  ")
    }
    return out
  }
}

/// What `deployment list` prints: every target and what serves it.
struct DeploymentListOutput: CommandOutput {
  struct Row: Encodable {
    var target: String
    var form: String
    var serving: String?
    var canary: String?
    var canaryTraffic: Int?
    var version: Int
    var time: String
    var openConsiderations: Int
    /// Whether the sign-off of every version serving holds.
    var signoffsHold: Bool
  }

  var targets: [Row]

  func encode(to encoder: any Encoder) throws {
    var c = encoder.unkeyedContainer()
    for row in targets { try c.encode(row) }
  }

  func render() -> String {
    guard !targets.isEmpty else { return "nothing deployed yet (mlw engineer deployment start NAME@V --target T --form F)\n" }
    var table = TextTable(
      ["TARGET", "FORM", "SERVES", "CANARY", "SIGN-OFF", "OPEN CHECKS", "CHANGED"], alignments: [.left, .left, .left, .left, .left, .right, .left])
    for row in targets {
      table.add([
        row.target, row.form, row.serving ?? "nothing", row.canary.map { "\($0) at \(row.canaryTraffic!)%" } ?? "-",
        row.signoffsHold ? "holds" : "DOES NOT HOLD", String(row.openConsiderations),
        row.time,
      ])
    }
    return table.render()
  }

  init(workspace: Workspace) throws {
    targets = try workspace.deploymentTargets().map { target in
      let s = try workspace.deployment(target)
      let d = s.deployment
      return Row(
        target: target, form: d.form.rawValue, serving: d.primary?.reference, canary: d.canary?.reference, canaryTraffic: d.canary?.traffic,
        version: s.version, time: shortTime(s.time), openConsiderations: d.openConsiderations.count,
        signoffsHold: try [d.primary, d.canary].compactMap { $0 }.allSatisfy { try workspace.approval($0.reference).holds })
    }
  }
}
