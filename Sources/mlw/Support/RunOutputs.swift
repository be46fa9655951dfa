import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

/// `run finish --status`: how a run ended.
enum RunStatusArgument: String, ExpressibleByArgument, CaseIterable {
  case finished, failed, killed

  var status: Run.Status { Run.Status(rawValue: rawValue)! }
}

extension MetricValue {
  /// For tables: at most 4 decimals, trailing zeros dropped (0.3333, 0.4); small values in
  /// scientific notation (2.1e-05), never rounded to 0.
  var rounded: String {
    guard value.isFinite else { return description }
    if value != 0, abs(value) < 1e-3 || abs(value) >= 1e9 { return String(format: "%.3g", value) }
    var text = String(format: "%.4f", value)
    while text.hasSuffix("0") { text.removeLast() }
    if text.hasSuffix(".") { text.removeLast() }
    return text == "-0" ? "0" : text
  }
}

/// A hash for people: `sha256:` and its first 12 hex digits.
func shortHash(_ hash: String) -> String { String(hash.prefix(19)) }

/// What `run start`, `run finish` and `run show` print: the run and its metrics.
struct RunOutput: CommandOutput {
  var run: StoredRun
  var metrics: [MetricSummary]
  /// "started", "finished", … for a write; nil for `show`.
  var verb: String?
  var evaluations: [StoredEvaluation] = []

  /// One evaluation as `run show` lists it.
  struct EvaluationSummary: Encodable {
    var split: String
    var version: Int
    var items: Int
    var accuracy: Double?
    var policyScore: Double?
    var eligible: Bool?
    var failed: [String]?
  }

  enum CodingKeys: String, CodingKey {
    case id, version, author, status, started, ended, dataset, labels, splits, code, params, tags, parent, artifacts, imported, metrics
    case evaluations
  }

  var evaluationSummaries: [EvaluationSummary] {
    evaluations.map { stored in
      let e = stored.evaluation
      return EvaluationSummary(
        split: e.split, version: stored.version, items: e.items, accuracy: e.metrics["accuracy"], policyScore: e.policy?.score,
        eligible: e.policy?.eligible, failed: e.policy.map(\.failed))
    }
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    let r = run.run
    try c.encode(run.id, forKey: .id)
    try c.encode(run.version, forKey: .version)
    try c.encode(run.author, forKey: .author)
    try c.encode(r.status, forKey: .status)
    try c.encode(Timestamp.format(r.started), forKey: .started)
    try c.encodeIfPresent(r.ended.map(Timestamp.format), forKey: .ended)
    try c.encodeIfPresent(r.dataset, forKey: .dataset)
    try c.encodeIfPresent(r.labels, forKey: .labels)
    try c.encodeIfPresent(r.splits, forKey: .splits)
    try c.encodeIfPresent(r.code, forKey: .code)
    try c.encode(r.params, forKey: .params)
    try c.encode(r.tags, forKey: .tags)
    try c.encodeIfPresent(r.parent, forKey: .parent)
    try c.encode(r.artifacts, forKey: .artifacts)
    try c.encodeIfPresent(r.imported, forKey: .imported)
    try c.encode(metrics, forKey: .metrics)
    try c.encode(evaluationSummaries, forKey: .evaluations)
  }

  func render() -> String {
    let r = run.run
    var out = ""
    if let verb {
      out += "run \(run.id) \(verb)"
    } else {
      out += "run \(run.id) (\(r.status.rawValue)) by \(run.author), v\(run.version)"
    }
    out += ", \(shortTime(r.started))\(r.ended.map { " to " + shortTime($0) } ?? "")\n"
    var rows = TextTable(["", ""])
    if let d = r.dataset { rows.add(["dataset", "\(d.description)  \(shortHash(d.sha256))"]) } else { rows.add(["dataset", "none pinned"]) }
    if let l = r.labels {
      let sources = l.sources.keys.sorted().map { "\($0) \(l.sources[$0]!)" }.joined(separator: ", ")
      let guidelines = l.guidelines.map { $0 == 0 ? "imported" : "v\($0)" }.joined(separator: ", ")
      let alpha = l.krippendorffAlpha.map { String(format: "alpha %.3f", $0) } ?? "alpha undefined (\(l.agreementNote ?? ""))"
      rows.add([
        "labels",
        "\(shortHash(l.sha256))  \(l.items) labelled (\(sources)), \(l.unlabelled) without a label\(l.ties > 0 ? " (\(l.ties) ties)" : ""); guidelines \(guidelines); \(alpha)\(l.annotators.map { "; \($0.count) annotator\($0.count == 1 ? "" : "s")" } ?? "")",
      ])
    } else {
      rows.add(["labels", r.dataset == nil ? "none" : "none (the dataset had no labels at start)"])
    }
    if let s = r.splits {
      let counts = s.counts.keys.sorted().map { "\($0) \(s.counts[$0]!)" }.joined(separator: ", ")
      let how = s.rule.map { "rule \($0), seed \(s.seed ?? 0)" } ?? "from \(s.file ?? "a file")"
      rows.add(["splits", "\(shortHash(s.sha256))  \(counts)\(s.unassigned > 0 ? ", \(s.unassigned) in none" : "") (\(how))"])
    } else {
      rows.add(["splits", "none"])
    }
    if let code = r.code {
      let state = code.dirty == true ? " (dirty: uncommitted changes, diff \(shortHash(code.diff ?? "")))" : code.dirty == false ? " (clean)" : ""
      rows.add(["code", String(code.commit.prefix(12)) + state])
    }
    if !r.params.isEmpty { rows.add(["params", r.params.keys.sorted().map { "\($0)=\(shown(r.params[$0]!))" }.joined(separator: " ")]) }
    if !r.tags.isEmpty { rows.add(["tags", r.tags.keys.sorted().map { "\($0)=\(r.tags[$0]!)" }.joined(separator: " ")]) }
    if let parent = r.parent { rows.add(["parent", parent]) }
    if let imported = r.imported { rows.add(["imported", "from \(imported.from), id \(imported.id)"]) }
    for a in r.artifacts {
      rows.add(["artifact", "\(a.name)  \(shortHash(a.sha256))  " + (a.uri ?? a.bytes.map { byteCount($0) } ?? "")])
    }
    out += rows.render(indent: "  ").split(separator: "\n", omittingEmptySubsequences: false).dropFirst().joined(separator: "\n")
    if !metrics.isEmpty {
      var table = TextTable(
        ["METRIC", "BETTER", "POINTS", "LAST", "STEP", "MIN", "MAX", "BEST"],
        alignments: [.left, .left, .right, .right, .right, .right, .right, .right])
      for m in metrics {
        table.add([
          m.name, m.direction == .higher ? "higher" : "lower", String(m.points), m.last.rounded, m.lastStep.map(String.init) ?? "-",
          m.min?.rounded ?? "-", m.max?.rounded ?? "-", m.best?.rounded ?? "-",
        ])
      }
      out += "\n" + table.render(indent: "  ")
    } else if verb == nil {
      out += "\n  no metrics logged yet (mlw engineer run log \(run.id) --metric NAME=VALUE)\n"
    }
    if !evaluations.isEmpty {
      var table = TextTable(
        ["EVALUATION", "VERSION", "ITEMS", "ACCURACY", "POLICY SCORE", "ELIGIBLE"], alignments: [.left, .right, .right, .right, .right, .left])
      for e in evaluationSummaries {
        table.add([
          e.split, "v\(e.version)", String(e.items), e.accuracy.map { String(format: "%.4f", $0) } ?? "undefined",
          e.policyScore.map { String(format: "%.4f", $0) } ?? "-",
          e.eligible.map { $0 ? "yes" : "no: " + (e.failed ?? []).joined(separator: "; ") } ?? "not scored",
        ])
      }
      out += "\n" + table.render(indent: "  ")
    }
    return out
  }
}

/// A param value as written: numbers plain, text as is.
func shown(_ value: JSONValue) -> String {
  switch value {
  case .int(let i): String(i)
  case .double(let d): Figure.format(d)
  case .bool(let b): String(b)
  case .string(let s): s
  default: "\(value)"
  }
}

/// `1.2 MB`, `512 B`.
func byteCount(_ bytes: Int) -> String {
  bytes < 1000 ? "\(bytes) B" : bytes < 1_000_000 ? String(format: "%.1f kB", Double(bytes) / 1e3) : String(format: "%.1f MB", Double(bytes) / 1e6)
}

struct RunLogOutput: CommandOutput {
  var run: String
  var points: Int
  var metrics: [String]

  func render() -> String { "logged \(points) point\(points == 1 ? "" : "s") to run \(run): \(metrics.joined(separator: ", "))\n" }
}

struct RunArtifactOutput: CommandOutput {
  var run: String
  var version: Int
  var artifact: Run.Artifact

  func render() -> String {
    let kept = artifact.uri.map { "kept at \($0)" } ?? "stored (\(byteCount(artifact.bytes ?? 0)))"
    return "run \(run) v\(version): artifact \(artifact.name) \(artifact.sha256) \(kept)\n"
  }
}

struct RunListOutput: CommandOutput {
  var listing: RunListing
  /// Metrics named by the filter or the sort, shown as columns.
  var metricColumns: [String]

  func encode(to encoder: any Encoder) throws { try listing.encode(to: encoder) }

  func render() -> String {
    guard listing.total > 0 else { return "no runs yet: start one (mlw engineer run start ID --dataset NAME)\n" }
    var columns = metricColumns
    if columns.isEmpty {
      var count: [String: Int] = [:]
      for row in listing.runs { for name in row.metrics.keys { count[name, default: 0] += 1 } }
      // The metrics most runs have, the usual headline figures first.
      func priority(_ name: String) -> Int {
        let last = name.split(separator: ".").last.map(String.init) ?? name
        return ["f1", "accuracy", "loss", "auc"].firstIndex(of: last) ?? 9
      }
      columns = count.keys.sorted { (-count[$0]!, priority($0), $0) < (-count[$1]!, priority($1), $1) }.prefix(4).sorted {
        (priority($0), $0) < (priority($1), $1)
      }
    }
    var seen = Set<String>()
    columns = columns.filter { seen.insert($0).inserted }
    var table = TextTable(
      ["RUN", "STATUS", "DATASET", "BY", "STARTED"] + columns.map { $0.uppercased() },
      alignments: [.left, .left, .left, .left, .left] + columns.map { _ in .right })
    for row in listing.runs {
      let figures = columns.map { name -> String in
        guard let value = row.field("metrics." + name), case .number(let d) = value else { return "-" }
        return MetricValue(d).rounded
      }
      table.add([row.id, row.status.rawValue, row.dataset ?? "-", row.author, shortTime(row.started)] + figures)
    }
    let head =
      listing.matched == listing.total
      ? "\(listing.total) run\(listing.total == 1 ? "" : "s")"
      : "\(listing.matched) of \(listing.total) runs match"
    let shownCount = listing.runs.count < listing.matched ? " (first \(listing.runs.count) shown)" : ""
    return head + shownCount + "\n" + (listing.runs.isEmpty ? "" : table.render(indent: "  "))
  }
}

struct RunCompareOutput: CommandOutput {
  var comparison: RunComparison

  func encode(to encoder: any Encoder) throws { try comparison.encode(to: encoder) }

  func render() -> String {
    let c = comparison
    var out = ""
    func section(_ title: String, _ fields: [RunComparison.Field], hash: Bool) {
      guard !fields.isEmpty else { return }
      var table = TextTable([title] + c.runs + [""])
      for f in fields {
        let cells = f.values.map { value -> String in
          guard let value else { return "-" }
          let text = shown(value)
          return hash && text.hasPrefix("sha256:") ? shortHash(text) : text.count > 40 ? String(text.prefix(37)) + "..." : text
        }
        table.add([f.field] + cells + [f.changed ? "differs" : ""])
      }
      out += table.render() + "\n"
    }
    section("PINNED", c.inputs, hash: true)
    section("PARAM", c.params, hash: false)
    section("TAG", c.tags, hash: false)
    if !c.metrics.isEmpty {
      var table = TextTable(["METRIC", "BETTER"] + c.runs, alignments: [.left, .left] + c.runs.map { _ in .right })
      for m in c.metrics {
        let cells = zip(c.runs, m.runs).map { id, summary -> String in
          guard let summary else { return "-" }
          let best = summary.best?.rounded ?? "-"
          return "\(summary.last.rounded) / \(best)" + (m.bestRun == id ? " *" : "  ")
        }
        table.add([m.name, m.direction == .higher ? "higher" : "lower"] + cells)
      }
      out += table.render() + "  (last / best over the run; * the best run)\n"
    }
    if out.isEmpty { return "the runs differ in nothing\n" }
    return out
  }
}

/// What `run evaluate` and `run evaluation` print.
struct EvaluationOutput: CommandOutput {
  var stored: StoredEvaluation
  var diagnosis: Diagnosis?
  var diagnosisNote: String?

  enum CodingKeys: String, CodingKey { case run, version, author, time, evaluation, diagnosis, diagnosisNote }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(stored.run, forKey: .run)
    try c.encode(stored.version, forKey: .version)
    try c.encode(stored.author, forKey: .author)
    try c.encode(stored.time, forKey: .time)
    try c.encode(stored.evaluation, forKey: .evaluation)
    try c.encodeIfPresent(diagnosis, forKey: .diagnosis)
    try c.encodeIfPresent(diagnosisNote, forKey: .diagnosisNote)
  }

  func render() -> String {
    let e = stored.evaluation
    func figure(_ name: String) -> String {
      if let v = e.metrics[name] { return String(format: "%.4f", v) }
      return e.undefined[name] != nil ? "undefined" : "-"
    }
    var out =
      "run \(stored.run) on \(e.split), evaluation v\(stored.version): \(e.items) items, truth from \(e.truthFrom == "predictions" ? "the predictions file" : "the run's label snapshot")\n"
    var headline = TextTable(["", ""], alignments: [.left, .right])
    for name in Evaluation.headline where e.metrics[name] != nil || e.undefined[name] != nil { headline.add([name, figure(name)]) }
    out += headline.render(indent: "  ").split(separator: "\n").dropFirst().map { $0 + "\n" }.joined()
    var perClass = TextTable(["CLASS", "PRECISION", "RECALL", "F1", "SUPPORT"], alignments: [.left, .right, .right, .right, .right])
    for label in e.labels {
      perClass.add([label, figure("precision[\(label)]"), figure("recall[\(label)]"), figure("f1[\(label)]"), String(e.support[label] ?? 0)])
    }
    out += "\n" + perClass.render(indent: "  ")
    if !e.slices.isEmpty {
      var slices = TextTable(["SLICE", "ITEMS", "ACCURACY", "F1"], alignments: [.left, .right, .right, .right])
      for s in e.slices {
        slices.add([
          "\(s.column)=\(s.value)", String(s.items), s.accuracy.map { String(format: "%.4f", $0) } ?? "undefined",
          s.f1.map { String(format: "%.4f", $0) } ?? "undefined",
        ])
      }
      out += "\n" + slices.render(indent: "  ")
    }
    for warning in e.warnings { out += "warning: \(warning)\n" }
    out += "\n"
    if let p = e.policy {
      out += "metric policy v\(p.version) (\(p.summary)): score \(String(format: "%.4f", p.score)), "
      out += p.eligible ? "eligible\n" : "not eligible: \(p.failed.joined(separator: "; "))\n"
    } else if let note = e.policyNote {
      out += "metric policy: \(note)\n"
    }
    if !e.baselines.isEmpty {
      var table = TextTable(
        ["BASELINE", "TYPE", "METRIC", "BASELINE VALUE", "THIS RUN", "BEATS"], alignments: [.left, .left, .left, .right, .right, .left])
      for b in e.baselines {
        table.add([b.baseline, b.type.rawValue, b.metric, Figure.format(b.baselineValue), String(format: "%.4f", b.value), b.beats ? "yes" : "no"])
      }
      out += "\n" + table.render()
    }
    if let diagnosis {
      out += "\n" + DiagnosisOutput(diagnosis: diagnosis).render()
    } else if let diagnosisNote {
      out += "\(diagnosisNote)\n"
    }
    return out
  }
}

struct MLflowImportOutput: CommandOutput {
  var runs: [MLflowStore.ImportedRun]

  func encode(to encoder: any Encoder) throws {
    var c = encoder.singleValueContainer()
    try c.encode(["runs": runs])
  }

  func render() -> String {
    var table = TextTable(["RUN", "MLFLOW RUN", "EXPERIMENT", "POINTS", ""], alignments: [.left, .left, .left, .right, .left])
    for r in runs { table.add([r.id, r.mlflowID, r.experiment ?? "-", String(r.points), r.outcome]) }
    let imported = runs.filter { $0.outcome == "imported" }.count
    var out = "\(imported) of \(runs.count) MLflow run\(runs.count == 1 ? "" : "s") imported\n" + table.render(indent: "  ")
    for r in runs { for note in r.notes { out += "note: \(r.id): \(note)\n" } }
    return out
  }
}

/// `run history`: one metric's points, by column in JSON (`steps`, `values`, `times`: a million
/// points stay a few arrays), a table in text.
struct MetricHistoryOutput: CommandOutput {
  var history: MetricHistory

  enum CodingKeys: String, CodingKey { case run, metric, direction, points, steps, values, times, evaluation }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(history.run, forKey: .run)
    try c.encode(history.name, forKey: .metric)
    try c.encode(history.direction, forKey: .direction)
    try c.encode(history.values.count, forKey: .points)
    // Built as JSON values (the encoder passes them through): a million points in a tenth of a
    // second, where encoding each number on its own takes most of a second. The same values as
    // `MetricValue` encodes: an integral figure as an integer, a non-finite one as its name.
    try c.encode(JSONValue.array(history.steps.map { $0.map(JSONValue.int) ?? .null }), forKey: .steps)
    let values = history.values.map { v -> JSONValue in
      guard v.isFinite else { return .string(MetricValue(v).description) }
      if let i = Int(exactly: v), v.description.hasSuffix(".0") { return .int(i) }
      return .double(v)
    }
    try c.encode(JSONValue.array(values), forKey: .values)
    try c.encode(JSONValue.array(history.times.map(JSONValue.string)), forKey: .times)
    try c.encodeIfPresent(history.evaluation, forKey: .evaluation)
  }

  func render() -> String {
    let h = history
    var out =
      "\(h.name) of run \(h.run): \(h.values.count) point\(h.values.count == 1 ? "" : "s"), \(h.direction == .higher ? "higher" : "lower") is better"
    if let v = h.evaluation { out += "; the last is the evaluation's figure (v\(v))" }
    out += "\n"
    // A person reads the start and the end of a long curve; --json has every point.
    let shown =
      h.values.count <= 2 * Self.shownAtEachEnd
      ? [h.values.indices] : [0..<Self.shownAtEachEnd, (h.values.count - Self.shownAtEachEnd)..<h.values.count]
    var table = TextTable(["STEP", "VALUE", "TIME"], alignments: [.right, .right, .left])
    for i in shown.joined() { table.add([h.steps[i].map(String.init) ?? "-", MetricValue(h.values[i]).rounded, h.times[i]]) }
    var lines = table.render(indent: "  ").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    if shown.count == 2 {
      lines.insert("  … \(h.values.count - 2 * Self.shownAtEachEnd) points between not shown (--json gives every point)", at: 1 + Self.shownAtEachEnd)
    }
    return out + lines.joined(separator: "\n")
  }

  /// The points shown at the start and at the end of a long history in text.
  static let shownAtEachEnd = 500
}
