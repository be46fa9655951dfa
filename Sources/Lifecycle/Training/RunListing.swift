import Foundation
import Statistics
import VersionedStore

/// One run as `run list` shows it: the pins, params, tags, and each metric's latest value.
public struct RunRow: Sendable, Encodable {
  public var id: String
  public var status: Run.Status
  public var author: String
  public var started: Date
  public var ended: Date?
  /// `name@version`.
  public var dataset: String?
  public var parent: String?
  public var code: String?
  public var params: [String: JSONValue]
  public var tags: [String: String]
  /// Metric name → latest value.
  public var metrics: [String: MetricValue]
  public var imported: Bool

  /// Each metric's figures, for the filter and the sort.
  let summaries: [String: MetricSummary]

  enum CodingKeys: String, CodingKey { case id, status, author, started, ended, dataset, parent, code, params, tags, metrics, imported }

  /// The row of run `id` read straight from its record's JSON (a list reads every run, and
  /// decoding the whole record with Codable was most of its time); nil when the body is not a run.
  init?(id: String, document: StoredDocument, summaries: [MetricSummary]) {
    let body = document.envelope.body
    guard document.envelope.kind == Run.kind, document.envelope.schemaVersion <= Run.schemaVersion,
      let statusText = body["status"]?.stringValue, let status = Run.Status(rawValue: statusText),
      let startedText = body["started"]?.stringValue, let started = Timestamp.parse(startedText)
    else { return nil }
    self.id = id
    self.status = status
    author = document.envelope.author
    self.started = started
    ended = body["ended"]?.stringValue.flatMap(Timestamp.parse)
    if let name = body["dataset"]?["name"]?.stringValue, let version = body["dataset"]?["version"]?.intValue {
      dataset = "\(name)@\(version)"
    }
    parent = body["parent"]?.stringValue
    code = body["code"]?["commit"]?.stringValue
    params = body["params"]?.objectValue ?? [:]
    tags = (body["tags"]?.objectValue ?? [:]).compactMapValues(\.stringValue)
    imported = body["imported"] != nil
    self.summaries = Dictionary(uniqueKeysWithValues: summaries.map { ($0.name, $0) })
    metrics = self.summaries.mapValues(\.last)
  }

  init(_ stored: StoredRun, summaries: [MetricSummary]) {
    id = stored.id
    status = stored.run.status
    author = stored.author
    started = stored.run.started
    ended = stored.run.ended
    dataset = stored.run.dataset?.description
    parent = stored.run.parent
    code = stored.run.code?.commit
    params = stored.run.params
    tags = stored.run.tags
    imported = stored.run.imported != nil
    self.summaries = Dictionary(uniqueKeysWithValues: summaries.map { ($0.name, $0) })
    metrics = self.summaries.mapValues(\.last)
  }

  /// The value of a filter field (see `RunFilter`), nil when the run has none.
  public func field(_ name: String) -> FilterValue? {
    switch name {
    case "id": return .text(id)
    case "status": return .text(status.rawValue)
    case "author": return .text(author)
    case "dataset": return dataset.map { .text($0) }
    case "parent": return parent.map { .text($0) }
    case "code": return code.map { .text($0) }
    case "started": return .text(Timestamp.format(started))
    case "ended": return ended.map { .text(Timestamp.format($0)) }
    default: break
    }
    if name.hasPrefix("params.") { return params[String(name.dropFirst(7))].flatMap(FilterValue.init) }
    if name.hasPrefix("tags.") { return tags[String(name.dropFirst(5))].map { .text($0) } }
    guard name.hasPrefix("metrics.") else { return nil }
    let metric = String(name.dropFirst(8))
    if let summary = summaries[metric] { return .number(summary.last.value) }
    guard let dot = metric.lastIndex(of: ".") else { return nil }
    let figure = metric[metric.index(after: dot)...]
    guard let summary = summaries[String(metric[..<dot])] else { return nil }
    switch figure {
    case "min": return summary.min.map { .number($0.value) }
    case "max": return summary.max.map { .number($0.value) }
    case "best": return summary.best.map { .number($0.value) }
    case "last": return .number(summary.last.value)
    default: return nil
    }
  }
}

/// How `run list` orders its rows: a field, ascending or descending. A metric is best first
/// by its direction unless `:asc` or `:desc` says otherwise; other fields ascend.
public struct RunSort: Sendable, Equatable {
  public var field: String
  public var descending: Bool?

  public static func parse(_ text: String) throws -> RunSort {
    var field = text
    var descending: Bool?
    if let colon = text.lastIndex(of: ":") {
      switch text[text.index(after: colon)...] {
      case "asc": descending = false
      case "desc": descending = true
      default: throw LifecycleError.invalidValue(what: "--sort", reason: "'\(text)': the order after ':' is asc or desc")
      }
      field = String(text[..<colon])
    }
    try RunFilter.checkField(field, what: "--sort")
    return RunSort(field: field, descending: descending)
  }
}

/// What `run list` found.
public struct RunListing: Sendable, Encodable {
  /// Runs that match the filter (before `--limit`).
  public var matched: Int
  public var total: Int
  public var runs: [RunRow]
}

extension Workspace {
  /// Every run as a row, with its metric summaries.
  public func runRows() throws -> [RunRow] {
    try runIDs().map { id in
      let document = try documents.read(Run.path(id))
      let summaries = try metricSummaries(id)
      if let row = RunRow(id: id, document: document, summaries: summaries) { return row }
      // Not the shape the fast reader knows: decode it fully, which names what is wrong.
      return RunRow(
        StoredRun(id: id, version: document.envelope.version, author: document.envelope.author, run: try document.body(as: Run.self)),
        summaries: summaries)
    }
  }

  /// The runs matching `filter`, sorted (newest first by default), at most `limit`.
  public func listRuns(filter: RunFilter?, sort: RunSort?, limit: Int?) throws -> RunListing {
    let all = try runRows()
    var rows = all.filter { row in filter?.matches(row.field) ?? true }
    if let sort {
      let descending =
        sort.descending
        ?? (sort.field.hasPrefix("metrics.")
          ? MetricDirection.resolve(sort.field.split(separator: ".").last.map(String.init) ?? "").direction == .higher : false)
      rows.sort { a, b in
        switch (a.field(sort.field), b.field(sort.field)) {
        case (let x?, let y?):
          if x == y { return a.id < b.id }
          return descending ? FilterValue.precedes(y, x) : FilterValue.precedes(x, y)
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.id < b.id
        }
      }
    } else {
      rows.sort { ($0.started, $0.id) > ($1.started, $1.id) }
    }
    let matched = rows.count
    if let limit { rows = Array(rows.prefix(limit)) }
    return RunListing(matched: matched, total: all.count, runs: rows)
  }
}
