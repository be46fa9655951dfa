import Foundation
import Statistics
import VersionedStore

/// The reference sample a target's production windows are compared with (by convention the
/// training data's features), stored by hash. Versioned at `monitors/<target>/reference/`.
/// Schema: `schemas/kinds/monitor-reference.schema.json`.
public struct MonitorReference: DocumentBody, Equatable {
  public static let kind = "monitor-reference"
  public static let schemaVersion = 1
  public static func path(_ target: String) -> RecordPath { RecordPath(trusted: ["monitors", target, "reference"]) }

  /// `sha256:<hex>` of the CSV file, under `content/`.
  public var sample: String
  public var rows: Int
  public var columns: [String]
}

/// One column's drift as a window records it.
public struct ColumnFigure: Codable, Sendable, Equatable {
  public var column: String
  public var test: String
  public var kind: String
  public var statistic: Double?
  public var pValue: Double?
  public var adjustedPValue: Double?
  public var threshold: Double
  /// Nil when the statistic is undefined (`note` says why).
  public var drifted: Bool?
  public var note: String?
  public var referenceCount: Int
  public var currentCount: Int
  public var missingCurrent: Int

  init(_ c: ColumnDrift) {
    column = c.column
    test = c.test.rawValue
    kind = c.kind
    statistic = c.statistic.value
    pValue = c.pValue?.value
    adjustedPValue = c.adjustedPValue
    threshold = c.threshold
    drifted = c.drifted
    if case .undefined(let reason) = c.statistic { note = reason }
    referenceCount = c.referenceCount
    currentCount = c.currentCount
    missingCurrent = c.missingCurrent
  }
}

/// A production window of a target: its drift against the reference, column by column and for
/// the dataset, values the reference never had, the drift of its predictions against the
/// signed-off evaluation's, and once labels arrive (`truth`), its performance against the
/// signed-off evaluation. Stored at `monitors/<target>/windows/<name>/`; the truth adds a
/// version. Schema: `schemas/kinds/monitor-window.schema.json`.
public struct MonitorWindow: DocumentBody, Equatable {
  public static let kind = "monitor-window"
  public static let schemaVersion = 1
  public static func collection(_ target: String) -> RecordPath { RecordPath(trusted: ["monitors", target, "windows"]) }
  public static func path(_ target: String, _ name: String) -> RecordPath { RecordPath(trusted: ["monitors", target, "windows", name]) }

  /// The labels that arrived for a window, and its figures against the signed-off evaluation.
  public struct Truth: Codable, Sendable, Equatable {
    public var sample: String
    /// Rows of the window with a truth label.
    public var items: Int
    /// Truth rows whose id is not in the window.
    public var unmatched: Int
    public var metrics: [String: Double]
    public var undefined: [String: String]
    /// The metric the policy ranks by, and its value in the signed-off evaluation.
    public var metric: String?
    public var direction: String?
    public var signedOff: Double?
    /// How far the metric fell from the signed-off value (positive: worse).
    public var drop: Double?
    public var tolerance: Double
    public var barsFailed: [String]
    /// Bars the window's labels cannot judge (a class none of its rows has).
    public var barsUnjudged: [String]?
    public var evaluation: Signoff.EvaluationRef?
    /// When the metric averages over classes and the window's classes are not the signed-off
    /// evaluation's: the two figures average different classes, and the drop says so.
    public var classesNote: String? = nil
  }

  /// A window with fewer rows neither raises nor resolves an alert: its figures say too little.
  public static let minimumRows = 30

  public var referenceVersion: Int
  public var sample: String
  public var rows: Int
  /// What served all traffic (or the rest) when the window was recorded.
  public var model: String?
  public var idColumn: String?
  public var correction: String
  public var columns: [ColumnFigure]
  public var driftedColumns: Int
  public var judgedColumns: Int
  public var datasetDrifted: Bool
  public var rule: String
  /// Column → values of a categorical column the reference never had (at most 20 shown).
  public var newValues: [String: [String]]
  /// The window's predicted classes against the signed-off evaluation's.
  public var predictionDrift: ColumnFigure?
  public var truth: Truth?
  /// Predictions of labels the label schema does not have, and the like.
  public var warnings: [String]?

  /// Columns of the reference with no value at all in this window.
  public var emptyColumns: [String] { columns.filter { $0.currentCount == 0 && $0.referenceCount > 0 }.map(\.column) }
}

/// Acknowledgements of a target's alerts: alert id → who, why, when. Stored at
/// `monitors/<target>/acks/`. Schema: `schemas/kinds/monitor-acks.schema.json`.
public struct MonitorAcks: DocumentBody, Equatable {
  public static let kind = "monitor-acks"
  public static let schemaVersion = 1
  public static func path(_ target: String) -> RecordPath { RecordPath(trusted: ["monitors", target, "acks"]) }

  public struct Ack: Codable, Sendable, Equatable {
    public var by: String
    public var reason: String
    public var time: Date
  }

  public var acks: [String: Ack]
}

/// The body of one event of `monitors/<target>/kpi.jsonl` (kind `kpi`): the business metric
/// measured. Schema: `schemas/kinds/kpi.schema.json`.
public struct KPIPoint: Codable, Sendable, Equatable {
  public static let kind = "kpi"
  public static let schemaVersion = 1

  public var value: Double
  /// When it was measured, when that is not when it was logged.
  public var measured: Date?
}

/// A condition found in a target's windows or KPI, with the loop of the lifecycle it sends the
/// team back to (DOMAIN.md, "The lifecycle, and why it loops").
public struct MonitorAlert: Codable, Sendable, Equatable {
  public enum Loop: String, Codable, Sendable {
    /// The model misbehaves: back to training and debugging.
    case training
    /// Production data differs from training data: collect and label the new cases.
    case data
    /// The metric does not match the business: back to planning.
    case planning
  }

  public enum State: String, Codable, Sendable {
    case open, acknowledged, resolved
  }

  /// `<condition>@<window>` or `kpi-missed@<seq>`.
  public var id: String
  public var condition: String
  public var loop: Loop
  public var detail: String
  public var raised: Date
  public var state: State
  public var resolvedBy: String?
  public var ack: MonitorAcks.Ack?

  /// What to do, as the lifecycle says.
  public var advice: String {
    switch loop {
    case .training: "back to training: the model misbehaves on production data; analyse the window's errors and retrain"
    case .data: "back to data: production differs from the training data; collect and label the new cases, then retrain"
    case .planning: "back to planning: the ML figures hold but the business metric does not; revisit the metric and the requirements"
    }
  }
}

/// A target's monitoring: the reference, the windows in order, the KPI and the alerts.
public struct MonitorState: Sendable {
  public var target: String
  public var reference: (MonitorReference, version: Int)?
  public var windows: [(name: String, window: MonitorWindow, time: Date, author: String)]
  /// When each window's labels were recorded, by window name.
  public var truthTimes: [String: Date]
  public var kpi: [(point: KPIPoint, time: Date, author: String)]
  public var kpiTarget: KPITarget?
  public var tolerance: Double
  public var alerts: [MonitorAlert]

  public var openAlerts: [MonitorAlert] { alerts.filter { $0.state == .open } }
}

/// The scope's KPI target read as a comparison: `below 0.5 (from 2.1)` is lower-is-better, 0.5.
public struct KPITarget: Sendable, Equatable {
  public var text: String
  public var kpi: String
  public var direction: MetricDirection
  public var value: Double
  /// Whether the bound itself meets the target (`at most`, `<=`).
  public var inclusive: Bool

  public func isMet(_ v: Double) -> Bool {
    switch direction {
    case .lower: inclusive ? v <= value : v < value
    case .higher: inclusive ? v >= value : v > value
    }
  }

  public var description: String { "\(direction == .lower ? (inclusive ? "at most" : "below") : (inclusive ? "at least" : "above")) \(shown(value))" }

  /// Reads `below 0.5`, `< 0.5%`, `at least 90`, `>= 0.95`; nil when the text says no direction.
  public init?(kpi: String, target text: String) {
    let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
    let words: [(String, MetricDirection, Bool)] = [
      ("at most", .lower, true), ("no more than", .lower, true), ("<=", .lower, true), ("≤", .lower, true), ("below", .lower, false),
      ("under", .lower, false), ("less than", .lower, false), ("<", .lower, false), ("at least", .higher, true), ("no less than", .higher, true),
      (">=", .higher, true), ("≥", .higher, true), ("above", .higher, false), ("over", .higher, false), ("more than", .higher, false),
      (">", .higher, false),
    ]
    guard let (word, direction, inclusive) = words.first(where: { lower.hasPrefix($0.0) }) else { return nil }
    let rest = lower.dropFirst(word.count).trimmingCharacters(in: .whitespaces)
    // The longest start of the rest that reads as a number (thousands separators dropped):
    // `0.5 (from 2.1)` is 0.5, `1e-3` is 0.001, `2,100` is 2100.
    let candidate = String(rest.prefix { "0123456789.,-+e".contains($0) }).replacingOccurrences(of: ",", with: "")
    guard
      let value = (0...candidate.count).reversed().lazy.compactMap({ Double(String(candidate.prefix($0))) }).first, value.isFinite
    else { return nil }
    self.text = text
    self.kpi = kpi
    self.direction = direction
    self.value = value
    self.inclusive = inclusive
  }
}

extension Workspace {
  /// Records the reference sample of target `target` (a new version when one exists).
  public func setMonitorReference(_ target: String, file path: String, given: String, actor: Actor, message: String?, now: Date) throws -> (
    MonitorReference, Int
  ) {
    let target = try deployment(target).target
    let sample = try ColumnarSample(file: path)
    let rows = sample.rows
    let body = MonitorReference(sample: try content.put(try FileIO.read(path), extension: "csv"), rows: rows, columns: sample.columns)
    let recordPath = MonitorReference.path(target)
    let latest = try documents.latestVersion(of: recordPath)
    let stored = try publish(
      recordPath, body, actor: actor, message: message ?? "monitoring reference of \(target): \(rows) rows, \(sample.columns.count) columns",
      expecting: latest, now: now)
    return (body, stored.envelope.version)
  }

  /// The reference of `target` and its version.
  public func monitorReference(_ target: String) throws -> (MonitorReference, Int)? {
    let latest = try documents.latestVersion(of: MonitorReference.path(target))
    guard latest > 0 else { return nil }
    return (try documents.read(MonitorReference.path(target), version: latest).body(as: MonitorReference.self), latest)
  }

  /// The evaluation the model serving `deployment` was signed off on, if any.
  func signedOffEvaluation(_ deployment: Deployment) throws -> (Signoff.EvaluationRef, Evaluation)? {
    guard let primary = deployment.primary, let ref = try approval(primary.reference).signoff?.evaluation else { return nil }
    let stored = try documents.read(Evaluation.path(run: ref.run, split: ref.split), version: ref.version)
    return (ref, try stored.body(as: Evaluation.self))
  }

  /// Compares a production window with the reference of `target` and records it.
  public func recordWindow(
    _ target: String, name: String, file path: String, given: String, idColumn: String?, correction: Correction, actor: Actor, message: String?,
    now: Date
  ) throws -> MonitorWindow {
    let deployment = try self.deployment(target)
    let target = deployment.target
    let name = try Name(name, what: "window name (--name)").value
    guard let (reference, referenceVersion) = try monitorReference(target) else {
      throw LifecycleError.refused("\(target) has no reference sample yet; record one first (mlw engineer monitor reference \(target) FILE)")
    }
    let windowPath = MonitorWindow.path(target, name)
    guard try documents.latestVersion(of: windowPath) == 0 else {
      throw LifecycleError.refused("window '\(name)' of \(target) is recorded already (a window is recorded once); pick another --name")
    }
    let referencePath = content.path(of: reference.sample, extension: "csv")
    let (referenceSample, current) = try ColumnarSample.pair(
      reference: referencePath, current: path, keepingTexts: Set([idColumn ?? "id", "prediction"]))
    let idColumn = idColumn ?? (current.columns.contains("id") ? "id" : nil)
    if let idColumn, !current.columns.contains(idColumn) {
      throw InputError(file: given, line: 1, "--id-column \(idColumn): no such column (it has: \(current.columns.joined(separator: ", ")))")
    }
    if let idColumn {
      var seen: [String: Int] = [:]
      for (row, id) in current.texts[idColumn]!.enumerated() {
        guard !id.isEmpty else { throw InputError(file: given, line: row + 2, "an empty \(idColumn)") }
        if let first = seen.updateValue(row, forKey: id) {
          throw InputError(file: given, line: row + 2, "\(idColumn) '\(id)' appears twice (line \(first + 2) and here)")
        }
      }
    }
    var warnings: [String] = []
    if let predictions = current.texts["prediction"], let (schema, _) = try labelSchema() {
      let known = Set(schema.labelNames)
      let unknown = Set(predictions.filter { !$0.isEmpty && !known.contains($0) }).sorted()
      if !unknown.isEmpty {
        warnings.append("predictions not in the label schema: \(unknown.prefix(5).joined(separator: ", "))\(unknown.count > 5 ? ", …" : "")")
      }
    }
    let special = Set([idColumn, "prediction"].compactMap { $0 })
    let features = reference.columns.filter { !special.contains($0) }
    let windowFeatures = current.columns.filter { !special.contains($0) }
    let missing = features.filter { !windowFeatures.contains($0) }
    let extra = windowFeatures.filter { !features.contains($0) }
    guard missing.isEmpty, extra.isEmpty else {
      var parts: [String] = []
      if !missing.isEmpty { parts.append("missing \(missing.joined(separator: ", "))") }
      if !extra.isEmpty { parts.append("not in the reference: \(extra.joined(separator: ", "))") }
      throw InputError(
        file: given, line: 1,
        "its columns differ from the reference's (v\(referenceVersion)): \(parts.joined(separator: "; ")); a window has the reference's columns, optionally prediction and an id column"
      )
    }
    let report: DriftReport
    do {
      report = Drift.corrected(
        try Drift.analyze(reference: referenceSample.data, current: current.data, columns: features, test: nil, jobs: concurrently), correction)
    } catch {
      throw InputError(file: given, "cannot test drift: \(error)")
    }
    var newValues: [String: [String]] = [:]
    for column in report.columns where column.kind == "categorical" {
      let known = Set(referenceSample.data[column.column]?.names ?? [])
      let fresh = (current.data[column.column]?.names ?? []).filter { !known.contains($0) }
      if !fresh.isEmpty { newValues[column.column] = Array(fresh.sorted().prefix(20)) }
    }
    // The predictions against the classes the signed-off evaluation predicted.
    var predictionDrift: ColumnFigure?
    if let predictions = current.texts["prediction"], let (_, evaluation) = try signedOffEvaluation(deployment.deployment) {
      var expected: [String] = []
      for (j, label) in evaluation.labels.enumerated() {
        let count = evaluation.confusionMatrix.reduce(0) { $0 + $1[j] }
        expected += Array(repeating: label, count: count)
      }
      if !expected.isEmpty,
        let column = try? Drift.analyze(
          reference: ["prediction": expected], current: ["prediction": predictions], columns: ["prediction"], test: nil
        ).columns.first
      {
        predictionDrift = ColumnFigure(column)
      }
    }
    let window = MonitorWindow(
      referenceVersion: referenceVersion, sample: try content.put(try FileIO.read(path), extension: "csv"),
      rows: current.rows, model: deployment.deployment.primary?.reference, idColumn: idColumn,
      correction: correction.rawValue, columns: report.columns.map(ColumnFigure.init), driftedColumns: report.driftedColumns,
      judgedColumns: report.columns.filter { $0.drifted != nil }.count, datasetDrifted: report.datasetDrifted, rule: report.rule,
      newValues: newValues, predictionDrift: predictionDrift, truth: nil, warnings: warnings.isEmpty ? nil : warnings)
    _ = try publish(
      windowPath, window, actor: actor,
      message: message
        ?? "window \(name) of \(target): \(window.rows) rows, \(report.driftedColumns) of \(window.judgedColumns) columns drifted\(report.datasetDrifted ? " (dataset drifted)" : "")",
      expecting: 0, now: now)
    return window
  }

  /// Adds the labels that arrived for window `name` of `target` (columns: the window's id
  /// column, truth) and its figures against the signed-off evaluation.
  public func recordTruth(_ target: String, window name: String, file path: String, given: String, actor: Actor, message: String?, now: Date)
    throws -> MonitorWindow
  {
    let deployment = try self.deployment(target)
    let target = deployment.target
    let windowPath = MonitorWindow.path(target, try Name(name, what: "window (--window)").value)
    let latest = try documents.latestVersion(of: windowPath)
    guard latest > 0 else {
      let known = try windowNames(target)
      throw StoreError.notFound(
        what: "window '\(name)' of \(target)", hint: known.isEmpty ? "none is recorded yet" : "the windows are \(known.joined(separator: ", "))")
    }
    var window = try documents.read(windowPath, version: latest).body(as: MonitorWindow.self)
    guard let idColumn = window.idColumn else {
      throw LifecycleError.refused("window '\(name)' has no id column, so labels cannot be matched to its rows; record windows with an id column")
    }
    let sample = try SampleInput(file: content.path(of: window.sample, extension: "csv"))
    guard let predictions = sample.values["prediction"] else {
      throw LifecycleError.refused("window '\(name)' has no prediction column, so there is nothing to check the labels against")
    }
    let truthFile = try SampleInput(file: path)
    for needed in [idColumn, "truth"] where !truthFile.columns.contains(needed) {
      throw InputError(file: given, line: 1, "needs the columns \(idColumn) and truth (it has: \(truthFile.columns.joined(separator: ", ")))")
    }
    var truthOf: [String: String] = [:]
    let known = try labelSchema().map { Set($0.0.labelNames) }
    for (row, (id, truth)) in zip(truthFile.values[idColumn]!, truthFile.values["truth"]!).enumerated() {
      guard !id.isEmpty, !truth.isEmpty else { throw InputError(file: given, line: row + 2, "an empty \(id.isEmpty ? idColumn : "truth")") }
      if let known, !known.contains(truth) {
        throw InputError(file: given, line: row + 2, "'\(truth)' is not a label of the label schema (\(known.sorted().joined(separator: ", ")))")
      }
      guard truthOf[id] == nil else { throw InputError(file: given, line: row + 2, "\(idColumn) '\(id)' appears twice") }
      truthOf[id] = truth
    }
    var truths: [String] = []
    var predicted: [String] = []
    var matched = Set<String>()
    for (id, prediction) in zip(sample.values[idColumn]!, predictions) {
      guard let truth = truthOf[id], !prediction.isEmpty else { continue }
      truths.append(truth)
      predicted.append(prediction)
      matched.insert(id)
    }
    guard !truths.isEmpty else { throw InputError(file: given, "no \(idColumn) matches a row of window '\(name)'") }
    if let problem = ClassificationReport.tooManyLabels(Set(truths).union(predicted).count) { throw InputError(file: given, problem) }
    var (metrics, undefined) = Evaluation.figures(of: ClassificationReport.analyze(truth: truths, prediction: predicted))
    // Slice figures for the gap bars whose column the window has.
    let policy = try metricPolicy()
    for bar in policy?.0.sliceBars ?? [] where bar.kind == "gap" {
      guard let values = sample.values[bar.slice] else { continue }
      var groups: [String: ([String], [String])] = [:]
      for (i, (id, prediction)) in zip(sample.values[idColumn]!, predictions).enumerated() {
        guard let truth = truthOf[id], !prediction.isEmpty else { continue }
        groups[values[i], default: ([], [])].0.append(truth)
        groups[values[i], default: ([], [])].1.append(prediction)
      }
      for (value, (t, p)) in groups {
        let (part, _) = Evaluation.figures(of: ClassificationReport.analyze(truth: t, prediction: p))
        if let v = part[bar.metric] { metrics["\(bar.metric)[\(bar.slice)=\(value)]"] = v }
      }
    }
    let (gate, _) = try self.gate()
    var truth = MonitorWindow.Truth(
      sample: "", items: truths.count, unmatched: truthOf.count - matched.count, metrics: metrics, undefined: undefined, metric: nil,
      direction: nil, signedOff: nil, drop: nil, tolerance: gate.tolerance, barsFailed: [], barsUnjudged: nil, evaluation: nil)
    if let (record, _) = policy {
      if case .single(let m) = record.rule.policy { truth.metric = m } else if case .optimize(let m, _) = record.rule.policy { truth.metric = m }
      let checks = record.sliceBars.map { $0.check(metrics) }
      truth.barsFailed = checks.filter { !$0.passed && $0.value != nil }.map { "\($0.check): \($0.detail)" }
      let unjudged = checks.filter { $0.value == nil }.map { "\($0.check): \($0.detail)" }
      truth.barsUnjudged = unjudged.isEmpty ? nil : unjudged
    }
    if let metric = truth.metric {
      let direction = MetricDirection.resolve(metric, given: policy?.0.rule.givenDirections ?? [:]).direction
      truth.direction = direction.rawValue
      if let (ref, evaluation) = try signedOffEvaluation(deployment.deployment), let before = evaluation.metrics[metric],
        let now = metrics[metric]
      {
        truth.evaluation = ref
        truth.signedOff = before
        truth.drop = direction == .higher ? before - now : now - before
        // A macro figure averages the classes present: like for like only on the same classes.
        let averaged = ["precision", "recall", "f1", "balanced_accuracy", "mcc", "kappa", "weighted_f1"].contains(metric)
        let windowClasses = Set(truths).union(predicted)
        let signedOffClasses = Set(evaluation.labels)
        if averaged, windowClasses != signedOffClasses {
          let missing = signedOffClasses.subtracting(windowClasses).sorted()
          let extra = windowClasses.subtracting(signedOffClasses).sorted()
          var parts: [String] = []
          if !missing.isEmpty { parts.append("has none of \(missing.prefix(10).joined(separator: ", "))") }
          if !extra.isEmpty { parts.append("has \(extra.prefix(10).joined(separator: ", ")), which the evaluation had not") }
          truth.classesNote =
            "\(metric) of this window averages \(windowClasses.count) class\(windowClasses.count == 1 ? "" : "es"), the signed-off one \(signedOffClasses.count): the window \(parts.joined(separator: " and ")); compare per-class figures"
        }
      }
    }
    truth.sample = try content.put(try FileIO.read(path), extension: "csv")
    window.truth = truth
    _ = try publish(
      windowPath, window, actor: actor,
      message: message
        ?? "truth for window \(name) of \(target): \(truth.items) items\(truth.metric.flatMap { m in metrics[m].map { ", \(m) \(shown($0))" } } ?? "")",
      expecting: latest, now: now)
    return window
  }

  public func windowNames(_ target: String) throws -> [String] {
    let folder = MonitorWindow.collection(target)
    guard FileIO.isDirectory(documents.folder(folder)) else { return [] }
    return try documents.children(of: folder).filter { try documents.latestVersion(of: MonitorWindow.path(target, $0)) > 0 }
  }

  public func kpiLog(_ target: String) -> EventLog {
    EventLog(path: folder + "/monitors/\(target)/kpi.jsonl", kind: KPIPoint.kind, schemaVersion: KPIPoint.schemaVersion)
  }

  /// The scope's KPI target, read as a comparison, or an error saying how to state it.
  public func kpiTarget() throws -> KPITarget {
    let (scope, _) = try self.scope()
    guard let goal = scope.goal else {
      throw LifecycleError.refused("the scope has no goal and KPI yet; the SME sets them (mlw sme goal set --kpi K --target 'below 0.5')")
    }
    guard let target = KPITarget(kpi: goal.kpi, target: goal.target) else {
      throw LifecycleError.refused(
        "the KPI's target '\(goal.target)' does not say which way is better; the SME restates it like 'below 0.5' or 'at least 0.9' (mlw sme goal set --target …)"
      )
    }
    return target
  }

  /// Logs a KPI value for `target`.
  public func logKPI(_ target: String, value: Double, measured: Date?, actor: Actor, now: Date) throws -> (KPITarget, met: Bool) {
    let target = try deployment(target).target
    guard value.isFinite else { throw LifecycleError.invalidValue(what: "--value", reason: "a KPI value is a finite number") }
    let goal = try kpiTarget()
    let point = KPIPoint(value: value, measured: measured)
    _ = try kpiLog(target).append(EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: point)))
    return (goal, goal.isMet(value))
  }

  /// Acknowledges alert `id` of `target`.
  public func acknowledgeAlert(_ target: String, alert id: String, reason: String, actor: Actor, now: Date) throws -> MonitorAlert {
    let state = try monitorState(target)
    guard var alert = state.alerts.first(where: { $0.id == id }) else {
      let open = state.openAlerts.map(\.id)
      throw StoreError.notFound(
        what: "alert '\(id)' of \(state.target)", hint: open.isEmpty ? "it has no open alerts" : "its open alerts are \(open.joined(separator: ", "))"
      )
    }
    guard alert.state == .open else { throw LifecycleError.refused("alert \(id) is \(alert.state.rawValue) already") }
    let reason = reason.trimmingCharacters(in: .whitespacesAndNewlines)
    try PlainText.check(reason, what: "--reason")
    guard !reason.isEmpty, reason.utf8.count <= 2000 else {
      throw LifecycleError.invalidValue(what: "--reason", reason: "say why, in at most 2,000 bytes")
    }
    let path = MonitorAcks.path(state.target)
    let latest = try documents.latestVersion(of: path)
    var acks = latest > 0 ? try documents.read(path, version: latest).body(as: MonitorAcks.self) : MonitorAcks(acks: [:])
    let ack = MonitorAcks.Ack(by: actor.name, reason: reason, time: now)
    acks.acks[id] = ack
    _ = try publish(path, acks, actor: actor, message: "acknowledge \(id) on \(state.target): \(reason)", expecting: latest, now: now)
    alert.state = .acknowledged
    alert.ack = ack
    return alert
  }

  /// Everything monitoring knows of `target`, with the alerts derived from its windows and KPI:
  /// a condition raises an alert at the first window (or KPI value) that shows it, and a later
  /// one that does not show it resolves it.
  public func monitorState(_ target: String) throws -> MonitorState {
    let target = try deployment(target).target
    let (gate, _) = try self.gate()
    var windows: [(name: String, window: MonitorWindow, time: Date, author: String)] = []
    var truthTimes: [String: Date] = [:]
    for name in try windowNames(target) {
      let history = try documents.history(MonitorWindow.path(target, name))
      let window = try history.last!.body(as: MonitorWindow.self)
      windows.append((name, window, history.first!.envelope.time, history.first!.envelope.author))
      if window.truth != nil { truthTimes[name] = history.last!.envelope.time }
    }
    windows.sort { ($0.time, $0.name) < ($1.time, $1.name) }
    let kpi = try kpiLog(target).read().events.map { event in
      (point: try event.body.decode(as: KPIPoint.self), time: event.time, author: event.author)
    }
    let acksPath = MonitorAcks.path(target)
    let acks = try documents.latestVersion(of: acksPath) > 0 ? try documents.read(acksPath).body(as: MonitorAcks.self).acks : [:]
    let kpiTarget = try? self.kpiTarget()

    // The timeline: windows, the labels that came for them, and KPI values, in time order (a
    // window's labels count from when they arrived).
    enum Event {
      case window(Int)
      case truth(Int)
      case kpi(Int)
    }
    var timeline: [(Date, Event)] = windows.indices.map { (windows[$0].time, .window($0)) }
    timeline += windows.indices.compactMap { i in truthTimes[windows[i].name].map { ($0, .truth(i)) } }
    timeline += kpi.indices.map { (kpi[$0].point.measured ?? kpi[$0].time, .kpi($0)) }
    timeline = timeline.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map(\.element)
    var alerts: [MonitorAlert] = []
    var open: [String: Int] = [:]  // condition → index in alerts
    func raise(_ condition: String, _ loop: MonitorAlert.Loop, at: String, _ detail: String, _ time: Date) {
      guard open[condition] == nil else { return }
      open[condition] = alerts.count
      let id = "\(condition)@\(at)"
      alerts.append(
        MonitorAlert(
          id: id, condition: condition, loop: loop, detail: detail, raised: time, state: acks[id] == nil ? .open : .acknowledged, resolvedBy: nil,
          ack: acks[id]))
    }
    func clear(_ condition: String, by: String) {
      guard let index = open.removeValue(forKey: condition) else { return }
      alerts[index].state = .resolved
      alerts[index].resolvedBy = by
    }
    for (time, event) in timeline {
      switch event {
      case .window(let i):
        let (name, w, _, _) = windows[i]
        guard w.rows >= MonitorWindow.minimumRows else { continue }
        if !w.emptyColumns.isEmpty {
          raise(
            "empty-columns", .data, at: name,
            "window \(name): no value at all in \(w.emptyColumns.joined(separator: ", ")) (a broken feed or pipeline?)", time)
        } else {
          clear("empty-columns", by: name)
        }
        if w.datasetDrifted {
          let drifted = w.columns.filter { $0.drifted == true }.map(\.column)
          raise(
            "drift", .data, at: name,
            "window \(name): \(w.driftedColumns) of \(w.judgedColumns) columns drifted (\(drifted.joined(separator: ", ")))", time)
        } else {
          clear("drift", by: name)
        }
        if !w.newValues.isEmpty {
          let text = w.newValues.keys.sorted().map { "\($0): \(w.newValues[$0]!.prefix(5).joined(separator: ", "))" }.joined(separator: "; ")
          raise("new-values", .data, at: name, "window \(name): values the reference never had (\(text))", time)
        } else {
          clear("new-values", by: name)
        }
      case .truth(let i):
        let (name, w, _, _) = windows[i]
        guard let truth = w.truth, truth.items >= MonitorWindow.minimumRows else { continue }
        if let drop = truth.drop, let metric = truth.metric, drop > truth.tolerance + 1e-12 {
          raise(
            "metric-drop", .training, at: name,
            "window \(name): \(metric) \(shown(truth.metrics[metric] ?? .nan)) against \(shown(truth.signedOff ?? .nan)) signed off, a fall of \(shown(drop)) (tolerance \(shown(truth.tolerance)))",
            time)
        } else if truth.drop != nil {
          clear("metric-drop", by: name)
        }
        if !truth.barsFailed.isEmpty {
          raise("bar-failed", .training, at: name, "window \(name): " + truth.barsFailed.joined(separator: "; "), time)
        } else {
          clear("bar-failed", by: name)
        }
      case .kpi(let i):
        guard let goal = kpiTarget else { continue }
        let value = kpi[i].point.value
        if goal.isMet(value) {
          clear("kpi-missed", by: "kpi-\(i + 1)")
        } else if open["metric-drop"] == nil, open["bar-failed"] == nil {
          // Only a window with enough labels to judge says the ML figures hold.
          let evidence = windows.filter { w in
            (w.window.truth?.items ?? 0) >= MonitorWindow.minimumRows && (truthTimes[w.name].map { $0 <= time } ?? false)
          }.max { truthTimes[$0.name]! < truthTimes[$1.name]! }
            .map { "the last window with labels, \($0.name), holds" }
          raise(
            "kpi-missed", .planning, at: "kpi-\(i + 1)",
            "\(goal.kpi): \(shown(value)) misses the target (\(goal.description)) while the ML figures hold (\(evidence ?? "no window has labels yet"))",
            time)
        }
      }
    }
    return MonitorState(
      target: target, reference: try monitorReference(target), windows: windows, truthTimes: truthTimes, kpi: kpi, kpiTarget: kpiTarget,
      tolerance: gate.tolerance,
      alerts: alerts)
  }
}
