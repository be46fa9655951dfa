import Foundation
import Lifecycle
import VersionedStore

/// What `model register`, `model show` and `model alias` print: one model version, its card
/// and its sign-off.
struct ModelOutput: CommandOutput {
  var stored: StoredModel
  var approval: Approval
  /// "registered", "alias champion moved from 1" …; nil for `show`.
  var verb: String?

  enum CodingKeys: String, CodingKey {
    case name, version, latest, author, time, aliases, run, runVersion, artifact, dataset, code, evaluations, card, cardMissing, signoff
  }

  struct SignoffSummary: Encodable {
    var decision: String?
    var author: String?
    var holds: Bool
    var stale: [String]
    var summary: String
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    let m = stored.model
    try c.encode(stored.name, forKey: .name)
    try c.encode(stored.version, forKey: .version)
    try c.encode(stored.latest, forKey: .latest)
    try c.encode(stored.author, forKey: .author)
    try c.encode(Timestamp.format(stored.time), forKey: .time)
    try c.encode(stored.aliases, forKey: .aliases)
    try c.encode(m.run, forKey: .run)
    try c.encode(m.runVersion, forKey: .runVersion)
    try c.encodeIfPresent(m.artifact, forKey: .artifact)
    try c.encodeIfPresent(m.dataset, forKey: .dataset)
    try c.encodeIfPresent(m.code, forKey: .code)
    try c.encode(m.evaluations, forKey: .evaluations)
    try c.encode(m.card, forKey: .card)
    try c.encode(m.card.missing, forKey: .cardMissing)
    try c.encode(
      SignoffSummary(
        decision: approval.signoff?.decision.rawValue, author: approval.author, holds: approval.holds, stale: approval.stale,
        summary: approval.summary), forKey: .signoff)
  }

  func render() -> String {
    let m = stored.model
    var out = verb.map { "\($0) \(stored.reference)\n" } ?? ""
    out += "model \(stored.reference)" + (stored.aliases.isEmpty ? "" : " (\(stored.aliases.joined(separator: ", ")))")
    out += " by \(stored.author), \(shortTime(stored.time)); \(stored.latest) version\(stored.latest == 1 ? "" : "s")\n"
    out += "  run        \(m.run) (v\(m.runVersion))\n"
    out += "  artifact   " + (m.artifact.map { "\($0.name) \(shortHash($0.sha256))" + ($0.uri.map { " at \($0)" } ?? "") } ?? "no artifact") + "\n"
    if let d = m.dataset { out += "  dataset    \(d.description) \(shortHash(d.sha256))\n" }
    if let code = m.code { out += "  code       \(code.commit.prefix(12))" + (code.dirty == true ? " (dirty)" : "") + "\n" }
    out += "  sign-off   \(approval.summary)\n"
    if !m.evaluations.isEmpty {
      var table = TextTable(
        ["SPLIT", "EVALUATION", "ITEMS", "ACCURACY", "POLICY SCORE", "ELIGIBLE"], alignments: [.left, .right, .right, .right, .right, .left])
      for e in m.evaluations {
        table.add([
          e.split, "v\(e.version)", String(e.items), e.metrics["accuracy"].map { String(format: "%.4f", $0) } ?? "-",
          e.policy.map { String(format: "%.4f", $0.score) } ?? "-", e.policy.map { $0.eligible ? "yes" : "no" } ?? "-",
        ])
      }
      out += "\n" + table.render(indent: "  ")
    }
    out += "\nmodel card\n"
    for section in ModelCard.sections {
      out += "  \(section.title): \(m.card[keyPath: section.path] ?? "(not given)")\n"
    }
    return out
  }
}

/// What `model list` prints: every model with its latest version and aliases.
struct ModelListOutput: CommandOutput {
  struct Row: Encodable {
    var name: String
    var latest: Int
    var aliases: [String: Int]
    var run: String
    var artifact: String?
    var author: String
    var time: String
    var signoff: String
  }

  var models: [Row]

  func encode(to encoder: any Encoder) throws {
    var c = encoder.unkeyedContainer()
    for row in models { try c.encode(row) }
  }

  func render() -> String {
    guard !models.isEmpty else { return "no models yet (mlw engineer model register NAME --run RUN)\n" }
    var table = TextTable(["MODEL", "LATEST", "ALIASES", "RUN", "ARTIFACT", "SIGN-OFF OF LATEST"])
    for row in models {
      let aliases = row.aliases.keys.sorted().map { "\($0)→\(row.aliases[$0]!)" }.joined(separator: " ")
      table.add([row.name, String(row.latest), aliases.isEmpty ? "-" : aliases, row.run, row.artifact.map(shortHash) ?? "none", row.signoff])
    }
    return table.render()
  }

  init(workspace: Workspace) throws {
    models = try workspace.modelNames().map { name in
      let latest = try workspace.model(name)
      return Row(
        name: name, latest: latest.version, aliases: try workspace.modelAliases(name).0.aliases, run: latest.model.run,
        artifact: latest.model.artifact?.sha256, author: latest.author, time: Timestamp.format(latest.time),
        signoff: try workspace.approval(latest.reference).summary)
    }
  }
}
