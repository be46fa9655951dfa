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

  init(
    id: String, status: Run.Status, author: String, started: Date, ended: Date?, dataset: String?, parent: String?, code: String?,
    params: [String: JSONValue], tags: [String: String], imported: Bool, summaries: [MetricSummary]
  ) {
    self.id = id
    self.status = status
    self.author = author
    self.started = started
    self.ended = ended
    self.dataset = dataset
    self.parent = parent
    self.code = code
    self.params = params
    self.tags = tags
    self.imported = imported
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

extension RunListing {
  /// The rows that match `filter`, sorted (newest first by default), at most `limit`, with the
  /// number that matched: one definition for rows read from the records and from the run index.
  static func select<Row>(
    _ rows: [Row], filter: RunFilter?, sort: RunSort?, limit: Int?, id: (Row) -> String, started: (Row) -> Date,
    field: (Row, String) -> FilterValue?
  ) -> (matched: Int, rows: [Row]) {
    var rows = rows.filter { row in filter?.matches { field(row, $0) } ?? true }
    if let sort {
      let descending =
        sort.descending
        ?? (sort.field.hasPrefix("metrics.")
          ? MetricDirection.resolve(sort.field.split(separator: ".").last.map(String.init) ?? "").direction == .higher : false)
      // Each row's value once, not once per comparison.
      let keys = rows.map { (id: id($0), value: field($0, sort.field)) }
      let order = keys.indices.sorted { i, j in
        let (a, b) = (keys[i], keys[j])
        switch (a.value, b.value) {
        case (let x?, let y?):
          if x == y { return a.id < b.id }
          return descending ? FilterValue.precedes(y, x) : FilterValue.precedes(x, y)
        case (.some, nil): return true
        case (nil, .some): return false
        case (nil, nil): return a.id < b.id
        }
      }
      rows = order.map { rows[$0] }
    } else {
      let keys = rows.map { (started: started($0), id: id($0)) }
      rows = keys.indices.sorted { keys[$0] > keys[$1] }.map { rows[$0] }
    }
    let matched = rows.count
    if let limit { rows = Array(rows.prefix(limit)) }
    return (matched, rows)
  }
}

extension Workspace {
  /// Run `id` as a row, with its metric summaries, and the run's version it was read from.
  func runRow(_ id: String) throws -> (row: RunRow, version: Int) {
    let document = try documents.read(Run.path(id))
    let summaries = try metricSummaries(id)
    if let row = RunRow(id: id, document: document, summaries: summaries) { return (row, document.envelope.version) }
    // Not the shape the fast reader knows: decode it fully, which names what is wrong.
    let stored = StoredRun(id: id, version: document.envelope.version, author: document.envelope.author, run: try document.body(as: Run.self))
    return (RunRow(stored, summaries: summaries), document.envelope.version)
  }

  /// Every run as a row, with its metric summaries, read from the records.
  public func runRows() throws -> [RunRow] { try runIDs().map { try runRow($0).row } }

  /// The runs matching `filter`, sorted (newest first by default), at most `limit`. Read from
  /// the run index (see `RunIndex`), which gives what `runRows()` would.
  public func listRuns(filter: RunFilter?, sort: RunSort?, limit: Int?) throws -> RunListing {
    let index = try runIndex()
    let runs = index.entries.compactMap { entry in entry.row.map { (id: entry.id, row: $0) } }
    var fields: [String: RunIndex.Field] = [:]
    for name in (filter?.fields ?? []) + (sort.map { [$0.field] } ?? []) where fields[name] == nil { fields[name] = index.field(name) }
    let (matched, chosen) = RunListing.select(
      runs, filter: filter, sort: sort, limit: limit, id: \.id, started: { index.started($0.row) },
      field: { run, name in fields[name].flatMap { index.value($0, run.id, run.row) } })
    return RunListing(
      matched: matched, total: runs.count,
      runs: try chosen.map { run in
        guard let row = index.runRow(run.id, run.row) else {
          throw StoreError.corrupt(file: RunIndex.path(in: self), reason: "row of run '\(run.id)'")
        }
        return row
      })
  }
}
