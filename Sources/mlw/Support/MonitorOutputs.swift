import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

/// A figure for people: at most 4 decimals, trailing zeros dropped; "-" when absent.
private func cell(_ value: Double?) -> String {
  guard let value else { return "-" }
  return MetricValue(value).rounded
}

/// What `monitor window` and `monitor truth` print: the window's drift and, with labels, its
/// figures against the signed-off evaluation; then the target's open alerts.
struct WindowOutput: CommandOutput {
  var target: String
  var name: String
  var window: MonitorWindow
  var alerts: [MonitorAlert]

  enum CodingKeys: String, CodingKey { case target, name, window, openAlerts }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(target, forKey: .target)
    try c.encode(name, forKey: .name)
    try c.encode(window, forKey: .window)
    try c.encode(alerts.filter { $0.state == .open }, forKey: .openAlerts)
  }

  func render() -> String {
    let w = window
    var out =
      "window \(name) of \(target): \(w.rows) rows against reference v\(w.referenceVersion)" + (w.model.map { ", \($0) serving" } ?? "") + "\n"
    var table = TextTable(
      ["COLUMN", "TEST", "STATISTIC", "P-VALUE", "ADJUSTED", "THRESHOLD", "DRIFT"], alignments: [.left, .left, .right, .right, .right, .right, .left])
    for c in w.columns {
      table.add([
        c.column, c.test, cell(c.statistic), c.pValue.map { TextTable.pValue(.value($0)) } ?? "-",
        c.adjustedPValue.map { TextTable.pValue(.value($0)) } ?? "-", cell(c.threshold), c.drifted.map { $0 ? "yes" : "no" } ?? "undefined",
      ])
    }
    out += table.render(indent: "  ")
    out += "dataset: \(w.datasetDrifted ? "DRIFTED" : "not drifted") (\(w.driftedColumns) of \(w.judgedColumns) columns)\n"
    for column in w.newValues.keys.sorted() { out += "new values in \(column): \(w.newValues[column]!.joined(separator: ", "))\n" }
    if !w.emptyColumns.isEmpty { out += "no value at all in: \(w.emptyColumns.joined(separator: ", "))\n" }
    for warning in w.warnings ?? [] { out += "warning: \(warning)\n" }
    if w.rows < MonitorWindow.minimumRows {
      out += "note: \(w.rows) rows, fewer than \(MonitorWindow.minimumRows): too few to raise or resolve an alert\n"
    }
    if let p = w.predictionDrift {
      out +=
        "predictions against the signed-off evaluation's: \(p.test) \(cell(p.statistic))\(p.pValue.map { ", p \(TextTable.pValue(.value($0)))" } ?? ""), "
      out += (p.drifted.map { $0 ? "drifted" : "not drifted" } ?? "undefined") + "\n"
    }
    if let t = w.truth {
      out += "\nlabels for \(t.items) rows" + (t.unmatched > 0 ? " (\(t.unmatched) label rows match no row of the window)" : "") + "\n"
      if t.items < MonitorWindow.minimumRows {
        out += "note: \(t.items) labels, fewer than \(MonitorWindow.minimumRows): too few to raise or resolve an alert, or to show the figures hold\n"
      }
      if let metric = t.metric {
        out += "  \(metric): \(cell(t.metrics[metric])) in this window"
        if let before = t.signedOff, let drop = t.drop {
          out += ", \(cell(before)) signed off (\(t.evaluation.map { "\($0.run) \($0.split) v\($0.version)" } ?? "")): "
          out +=
            drop > t.tolerance ? "fell by \(cell(drop)), more than the tolerance \(cell(t.tolerance))" : "within the tolerance \(cell(t.tolerance))"
        }
        out += "\n"
      }
      for failed in t.barsFailed { out += "  bar failed: \(failed)\n" }
      for unjudged in t.barsUnjudged ?? [] { out += "  bar not judged: \(unjudged)\n" }
      if let note = t.classesNote { out += "  note: \(note)\n" }
    }
    out += "rule: the default drift rule (mlw engineer monitor window --help)"
    out += w.correction == "none" ? ", no correction\n" : ", p-values corrected (\(w.correction))\n"
    let open = alerts.filter { $0.state == .open }
    if !open.isEmpty {
      out += "\nopen alerts\n"
      for alert in open { out += "  \(alert.id): \(alert.detail)\n    → \(alert.advice)\n" }
    }
    return out
  }
}

/// What `monitor show` prints: the windows over time with each figure and threshold, the KPI,
/// and the alerts.
struct MonitorOutput: CommandOutput {
  var state: MonitorState

  enum CodingKeys: String, CodingKey { case target, reference, tolerance, kpiTarget, windows, kpi, alerts, openAlerts }

  struct WindowRow: Encodable {
    var name: String
    var time: String
    var author: String
    var window: MonitorWindow
  }

  struct KPIRow: Encodable {
    var value: Double
    var time: String
    var author: String
    var met: Bool?
  }

  func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(state.target, forKey: .target)
    try c.encodeIfPresent(state.reference?.0, forKey: .reference)
    try c.encode(state.tolerance, forKey: .tolerance)
    try c.encodeIfPresent(state.kpiTarget?.description, forKey: .kpiTarget)
    try c.encode(
      state.windows.map { WindowRow(name: $0.name, time: Timestamp.format($0.time), author: $0.author, window: $0.window) }, forKey: .windows)
    try c.encode(
      state.kpi.map {
        KPIRow(
          value: $0.point.value, time: Timestamp.format($0.point.measured ?? $0.time), author: $0.author, met: state.kpiTarget?.isMet($0.point.value))
      }, forKey: .kpi)
    try c.encode(state.alerts, forKey: .alerts)
    try c.encode(state.openAlerts.map(\.id), forKey: .openAlerts)
  }

  func render() -> String {
    var out = "monitoring \(state.target)"
    if let (reference, version) = state.reference {
      out += ": reference v\(version), \(reference.rows) rows, \(reference.columns.count) columns\n"
    } else {
      out += ": no reference yet (mlw engineer monitor reference \(state.target) FILE)\n"
    }
    if !state.windows.isEmpty {
      let metric = state.windows.compactMap { $0.window.truth?.metric }.first
      var table = TextTable(
        [
          "WINDOW", "WHEN", "ROWS", "DRIFTED COLUMNS", "DATASET", "NEW VALUES", "PREDICTIONS", metric.map { $0.uppercased() } ?? "METRIC",
          "SIGNED OFF",
          "FALL (TOL \(cell(state.tolerance)))", "BARS",
        ],
        alignments: [.left, .left, .right, .right, .left, .right, .left, .right, .right, .right, .left])
      for (name, w, time, _) in state.windows {
        let t = w.truth
        table.add([
          name, shortTime(time), String(w.rows), "\(w.driftedColumns) of \(w.judgedColumns)", w.datasetDrifted ? "DRIFTED" : "ok",
          String(w.newValues.values.reduce(0) { $0 + $1.count }), w.predictionDrift?.drifted.map { $0 ? "DRIFTED" : "ok" } ?? "-",
          t.flatMap { t in t.metric.flatMap { t.metrics[$0] } }.map(cell) ?? "-", cell(t?.signedOff), cell(t?.drop),
          t.map { t in
            !t.barsFailed.isEmpty ? "\(t.barsFailed.count) failed" : (t.barsUnjudged ?? []).isEmpty ? "met" : "\(t.barsUnjudged!.count) not judged"
          } ?? "-",
        ])
      }
      out += "\n" + table.render(indent: "  ")
    }
    if !state.kpi.isEmpty {
      out += "\nKPI" + (state.kpiTarget.map { " (\($0.kpi): \($0.description))" } ?? "") + "\n"
      var table = TextTable(["WHEN", "VALUE", "TARGET", "BY"], alignments: [.left, .right, .left, .left])
      for (point, time, author) in state.kpi.suffix(10) {
        table.add([
          shortTime(point.measured ?? time), cell(point.value), state.kpiTarget.map { $0.isMet(point.value) ? "met" : "MISSED" } ?? "-", author,
        ])
      }
      out += table.render(indent: "  ")
    }
    let open = state.alerts.filter { $0.state == .open }
    out += "\n" + (open.isEmpty ? "no open alerts\n" : "open alerts (\(open.count))\n")
    for alert in open { out += "  \(alert.id): \(alert.detail)\n    → \(alert.advice)\n" }
    let settled = state.alerts.filter { $0.state != .open }
    if !settled.isEmpty {
      out += "earlier alerts\n"
      for alert in settled {
        let how =
          alert.state == .resolved ? "resolved by \(alert.resolvedBy ?? "?")" : "acknowledged by \(alert.ack?.by ?? "?"): \(alert.ack?.reason ?? "")"
        out += "  \(alert.id) (\(alert.loop.rawValue)): \(how)\n"
      }
    }
    return out
  }
}
