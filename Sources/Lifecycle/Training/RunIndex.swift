import Foundation
import Statistics
import VersionedStore

/// The run index, `<workspace>/.index/runs`: per run, what `run list` filters, sorts and shows
/// (the row: status, start and end, dataset pin, params, tags, each metric's last, min, max and
/// best), with what the row was derived from, so that a list at 10,000 runs reads one file and
/// looks at two files per run instead of reading every record and metric log.
///
/// The records stay the truth. An entry is used only while everything it was derived from still
/// has the identity it had (see `FileIdentity`) and that identity is settled: the run's folder
/// (a new version is a new file in it), its metric log (an append grows it), its evaluations'
/// folders. Any other entry is derived again from the records, exactly as a full read derives
/// it; a missing, damaged or older index is derived whole. The identities are taken before the
/// records are read, so a write landing in between leaves the entry looking stale, never current.
/// Whoever lists rewrites the file (a `DerivedFile`) when it refreshed entries; nobody maintains
/// it, and `mlw fsck` checks that the entries it would trust match the records.
///
/// The folder `runs/` and `evaluations/` themselves are looked at first: while `runs/` keeps its
/// identity no run was added or removed (the index's ids stand), and while `evaluations/` keeps
/// its identity no run got its first evaluation (a run with none needs no look there).
struct RunIndex {
  static let kind = "run-index"
  static let schemaVersion = 1

  static func path(in workspace: Workspace) -> String { workspace.folder + "/.index/runs" }

  /// The files an entry was derived from, as they were just before.
  struct Sources: Equatable {
    /// `runs/<id>/`.
    var folder: FileIdentity?
    /// `runs/<id>/metrics.jsonl`.
    var metrics: FileIdentity?
    /// `evaluations/<id>/`.
    var evaluations: FileIdentity?
    /// `evaluations/<id>/<split>/`, by name.
    var splits: [Split]

    struct Split: Equatable {
      var name: String
      var folder: FileIdentity?
    }

    func settled(at time: Int64) -> Bool {
      [folder, metrics, evaluations].allSatisfy { $0?.settled(at: time) ?? true } && splits.allSatisfy { $0.folder?.settled(at: time) ?? true }
    }
  }

  struct Entry {
    var id: String
    var sources: Sources
    /// When the sources were looked at (`FileIdentity.clock()`).
    var checked: Int64
    /// Nil for a folder with no version (a start that a crash cut short): not a run.
    var row: Row?
  }

  /// A run's row, its texts as indexes into `strings`.
  struct Row {
    /// The run's version it was derived from.
    var version: Int
    var status: Run.Status
    var author: Int32
    var started: Date
    var ended: Date?
    /// `name@version`; -1 for none, as for `parent` and `code`.
    var dataset: Int32
    var parent: Int32
    var code: Int32
    var imported: Bool
    var params: [Param]
    var tags: [Tag]
    var metrics: [Metric]
  }

  struct Param {
    var key: Int32
    var value: Value
  }

  enum Value {
    case int(Int)
    case double(Double)
    case bool(Bool)
    case text(Int32)
    /// Any other JSON value (a param written by hand).
    case other(JSONValue)
  }

  struct Tag {
    var key: Int32
    var value: Int32
  }

  struct Metric {
    var name: Int32
    var direction: MetricDirection
    var points: Int
    var last: Double
    var lastStep: Int?
    var min: Double?
    var max: Double?
    var best: Double?
  }

  var strings: [String] = []
  /// `strings` by text, made when first needed.
  private var numbers: [String: Int32]?
  var runsFolder: FileIdentity?
  var evaluationsFolder: FileIdentity?
  /// When `runsFolder` and `evaluationsFolder` were looked at.
  var checked: Int64 = 0
  /// Sorted by id, as `Workspace.runIDs()` is.
  var entries: [Entry] = []

  /// What a refresh did.
  struct Refresh {
    /// Entries derived again from the records (or dropped), and whether any of them would be
    /// trusted next time, which makes the file worth writing.
    var derived = 0
    var worthSaving = false
    /// Runs whose entry looked current but did not match the records (checked only when asked).
    var mismatched: [String] = []
  }

  /// Brings every entry up to date with the records: entries whose sources are unchanged and
  /// settled are kept (or, with `verify`, derived again and compared), the others derived again.
  /// Errors are the full read's: a run record that cannot be read fails the refresh.
  mutating func refresh(_ workspace: Workspace, verify: Bool = false) throws -> Refresh {
    let now = FileIdentity.clock()
    var outcome = Refresh()
    let runs = OpenFolder(workspace.folder + "/runs")
    let evaluations = OpenFolder(workspace.folder + "/evaluations")
    let runsIdentity = FileIO.identity(of: runs.path)
    let evaluationsIdentity = FileIO.identity(of: evaluations.path)
    let idsStand = runsIdentity != nil && runsIdentity == runsFolder && runsIdentity!.settled(at: checked)
    let noNewEvaluations = evaluationsIdentity == evaluationsFolder && (evaluationsIdentity?.settled(at: checked) ?? true)
    let ids = idsStand ? entries.map(\.id) : try workspace.documents.children(of: Run.collection)
    if !idsStand, ids != entries.map(\.id) {
      outcome.derived += 1
      outcome.worthSaving = true
    }
    var old = entries[...]
    var fresh: [Entry] = []
    fresh.reserveCapacity(ids.count)
    for id in ids {
      while let first = old.first, first.id < id { old.removeFirst() }
      let previous = old.first?.id == id ? old.first : nil
      var sources = Sources(folder: runs.identity(of: id), metrics: runs.identity(of: id + "/metrics.jsonl"), evaluations: nil, splits: [])
      if evaluationsIdentity != nil, !(noNewEvaluations && previous != nil && previous!.sources.evaluations == nil) {
        sources.evaluations = evaluations.identity(of: id)
      }
      if let folder = sources.evaluations {
        let names: [String]
        if let previous, previous.sources.evaluations == folder, folder.settled(at: previous.checked) {
          names = previous.sources.splits.map(\.name)
        } else {
          names = try workspace.documents.children(of: RecordPath(trusted: ["evaluations", id]))
        }
        sources.splits = names.map { Sources.Split(name: $0, folder: evaluations.identity(of: id + "/" + $0)) }
      }
      if let previous, previous.sources == sources, sources.settled(at: previous.checked) {
        guard verify else {
          fresh.append(previous)
          continue
        }
        let row = try derive(id, workspace)
        if same(previous.row, row) {
          fresh.append(previous)
          continue
        }
        outcome.mismatched.append(id)
        fresh.append(Entry(id: id, sources: sources, checked: now, row: row))
      } else {
        fresh.append(Entry(id: id, sources: sources, checked: now, row: try derive(id, workspace)))
      }
      outcome.derived += 1
      if sources.settled(at: now) { outcome.worthSaving = true }
    }
    entries = fresh
    runsFolder = runsIdentity
    evaluationsFolder = evaluationsIdentity
    checked = now
    return outcome
  }

  /// The row of run `id` as a full read makes it, nil when the folder has no version.
  private mutating func derive(_ id: String, _ workspace: Workspace) throws -> Row? {
    guard try workspace.documents.latestVersion(of: Run.path(id)) > 0 else { return nil }
    let (row, version) = try workspace.runRow(id)
    return Row(
      version: version, status: row.status, author: number(row.author), started: row.started, ended: row.ended,
      dataset: row.dataset.map { number($0) } ?? -1, parent: row.parent.map { number($0) } ?? -1, code: row.code.map { number($0) } ?? -1,
      imported: row.imported,
      params: row.params.keys.sorted().map { key in
        let value: Value
        switch row.params[key]! {
        case .int(let n): value = .int(n)
        case .double(let d): value = .double(d)
        case .bool(let b): value = .bool(b)
        case .string(let s): value = .text(number(s))
        case let other: value = .other(other)
        }
        return Param(key: number(key), value: value)
      },
      tags: row.tags.keys.sorted().map { Tag(key: number($0), value: number(row.tags[$0]!)) },
      metrics: row.summaries.keys.sorted().map { name in
        let summary = row.summaries[name]!
        return Metric(
          name: number(name), direction: summary.direction, points: summary.points, last: summary.last.value, lastStep: summary.lastStep,
          min: summary.min?.value, max: summary.max?.value, best: summary.best?.value)
      })
  }

  /// The number of `text` in `strings`, nil when it is not there.
  mutating func known(_ text: String) -> Int32? {
    if numbers == nil { numbers = Dictionary(strings.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first }) }
    return numbers![text]
  }

  /// The number of `text` in `strings`, added when new.
  private mutating func number(_ text: String) -> Int32 {
    if let known = known(text) { return known }
    strings.append(text)
    numbers![text] = Int32(strings.count - 1)
    return Int32(strings.count - 1)
  }

  /// Whether two rows say the same, value for value (to the bit: NaN is a value here).
  private func same(_ a: Row?, _ b: Row?) -> Bool {
    func bytes(_ row: Row?) -> [UInt8] {
      var writer = ByteWriter()
      RunIndex.write(row, to: &writer)
      return writer.bytes
    }
    return bytes(a) == bytes(b)
  }

  /// The `RunRow` of an entry's row.
  func runRow(_ id: String, _ row: Row) -> RunRow {
    var params: [String: JSONValue] = [:]
    for param in row.params { params[strings[Int(param.key)]] = json(param.value) }
    var tags: [String: String] = [:]
    for tag in row.tags { tags[strings[Int(tag.key)]] = strings[Int(tag.value)] }
    let summaries = row.metrics.map { metric in
      MetricSummary(
        name: strings[Int(metric.name)], direction: metric.direction, points: metric.points, last: MetricValue(metric.last),
        lastStep: metric.lastStep, min: metric.min.map(MetricValue.init), max: metric.max.map(MetricValue.init),
        best: metric.best.map(MetricValue.init))
    }
    return RunRow(
      id: id, status: row.status, author: strings[Int(row.author)], started: row.started, ended: row.ended, dataset: text(row.dataset),
      parent: text(row.parent), code: text(row.code), params: params, tags: tags, imported: row.imported, summaries: summaries)
  }

  private func text(_ number: Int32) -> String? { number < 0 ? nil : strings[Int(number)] }

  private func json(_ value: Value) -> JSONValue {
    switch value {
    case .int(let n): .int(n)
    case .double(let d): .double(d)
    case .bool(let b): .bool(b)
    case .text(let s): .string(strings[Int(s)])
    case .other(let json): json
    }
  }
}

// MARK: - Filter and sort fields

extension RunIndex {
  /// A filter or sort field (see `RunRow.field`), its names looked up in `strings` once.
  enum Field {
    case id, status, author, dataset, parent, code, started, ended
    case param(Int32)
    case tag(Int32)
    /// `metrics.NAME`: the metric `whole`, else figure `figure` of the metric `base` (-1: none).
    case metric(whole: Int32, base: Int32, figure: Figure)
    case none

    enum Figure { case min, max, best, last, none }
  }

  mutating func field(_ name: String) -> Field {
    func lookUp(_ text: Substring) -> Int32 { known(String(text)) ?? -1 }
    switch name {
    case "id": return .id
    case "status": return .status
    case "author": return .author
    case "dataset": return .dataset
    case "parent": return .parent
    case "code": return .code
    case "started": return .started
    case "ended": return .ended
    default: break
    }
    if name.hasPrefix("params.") { return .param(lookUp(name.dropFirst(7))) }
    if name.hasPrefix("tags.") { return .tag(lookUp(name.dropFirst(5))) }
    guard name.hasPrefix("metrics.") else { return .none }
    let metric = name.dropFirst(8)
    guard let dot = metric.lastIndex(of: ".") else { return .metric(whole: lookUp(metric), base: -1, figure: .none) }
    let figure: Field.Figure =
      switch metric[metric.index(after: dot)...] {
      case "min": .min
      case "max": .max
      case "best": .best
      case "last": .last
      default: .none
      }
    return .metric(whole: lookUp(metric), base: lookUp(metric[..<dot]), figure: figure)
  }

  /// The value of `field` for `entry`'s row, as `RunRow.field` gives it.
  func value(_ field: Field, _ id: String, _ row: Row) -> FilterValue? {
    switch field {
    case .id: return .text(id)
    case .status: return .text(row.status.rawValue)
    case .author: return .text(strings[Int(row.author)])
    case .dataset: return text(row.dataset).map { .text($0) }
    case .parent: return text(row.parent).map { .text($0) }
    case .code: return text(row.code).map { .text($0) }
    case .started: return .text(Timestamp.format(row.started))
    case .ended: return row.ended.map { .text(Timestamp.format($0)) }
    case .param(let key):
      guard key >= 0, let param = row.params.first(where: { $0.key == key }) else { return nil }
      switch param.value {
      case .int(let n): return .number(Double(n))
      case .double(let d): return .number(d)
      case .bool(let b): return .bool(b)
      case .text(let s): return .text(strings[Int(s)])
      case .other(let json): return FilterValue(json)
      }
    case .tag(let key):
      guard key >= 0, let tag = row.tags.first(where: { $0.key == key }) else { return nil }
      return .text(strings[Int(tag.value)])
    case .metric(let whole, let base, let figure):
      if whole >= 0, let metric = row.metrics.first(where: { $0.name == whole }) { return .number(metric.last) }
      guard base >= 0, let metric = row.metrics.first(where: { $0.name == base }) else { return nil }
      switch figure {
      case .min: return metric.min.map { .number($0) }
      case .max: return metric.max.map { .number($0) }
      case .best: return metric.best.map { .number($0) }
      case .last: return .number(metric.last)
      case .none: return nil
      }
    case .none: return nil
    }
  }
}

// MARK: - The file

extension RunIndex {
  /// The index stored at `path`, nil when there is none or it cannot be used (damaged, cut
  /// short, another schema version): then it is derived whole.
  static func load(_ path: String) -> RunIndex? {
    guard let (bytes, payload) = DerivedFile.read(path, kind: kind, schemaVersion: schemaVersion) else { return nil }
    return bytes.withUnsafeBytes { raw in
      var reader = ByteReader(raw, range: payload)
      return try? RunIndex(reading: &reader)
    }
  }

  /// Writes the index to `path`; false when it could not (it is only a shortcut).
  @discardableResult
  func save(_ path: String) -> Bool {
    var writer = ByteWriter()
    writer.u32(UInt32(strings.count))
    for text in strings { writer.string(text) }
    writer.identity(runsFolder)
    writer.identity(evaluationsFolder)
    writer.i64(checked)
    writer.u32(UInt32(entries.count))
    for entry in entries {
      writer.string(entry.id)
      writer.i64(entry.checked)
      writer.identity(entry.sources.folder)
      writer.identity(entry.sources.metrics)
      writer.identity(entry.sources.evaluations)
      writer.u32(UInt32(entry.sources.splits.count))
      for split in entry.sources.splits {
        writer.string(split.name)
        writer.identity(split.folder)
      }
      RunIndex.write(entry.row, to: &writer)
    }
    return DerivedFile.write(writer.bytes, to: path, kind: RunIndex.kind, schemaVersion: RunIndex.schemaVersion)
  }

  private struct Damaged: Error {}

  private init(reading reader: inout ByteReader) throws {
    strings = []
    let count = try reader.count(each: 4)
    strings.reserveCapacity(count)
    for _ in 0..<count { strings.append(try reader.string()) }
    runsFolder = try reader.identity()
    evaluationsFolder = try reader.identity()
    checked = try reader.i64()
    let entryCount = try reader.count(each: 16)
    entries.reserveCapacity(entryCount)
    let limit = Int32(strings.count)
    func number() throws -> Int32 {
      let n = try reader.i32()
      guard n >= -1, n < limit else { throw Damaged() }
      return n
    }
    func required() throws -> Int32 {
      let n = try number()
      guard n >= 0 else { throw Damaged() }
      return n
    }
    func optional<T>(_ read: () throws -> T) throws -> T? { try reader.bool() ? try read() : nil }
    for _ in 0..<entryCount {
      let id = try reader.string()
      let entryChecked = try reader.i64()
      var sources = Sources(folder: try reader.identity(), metrics: try reader.identity(), evaluations: try reader.identity(), splits: [])
      let splitCount = try reader.count(each: 5)
      for _ in 0..<splitCount { sources.splits.append(Sources.Split(name: try reader.string(), folder: try reader.identity())) }
      var row: Row?
      if try reader.bool() {
        let version = try reader.int()
        guard let status = Run.Status.allCases.dropFirst(Int(try reader.u8())).first else { throw Damaged() }
        let author = try required()
        let started = Date(timeIntervalSinceReferenceDate: try reader.f64())
        let ended = try optional { Date(timeIntervalSinceReferenceDate: try reader.f64()) }
        let dataset = try number()
        let parent = try number()
        let code = try number()
        let imported = try reader.bool()
        var params: [Param] = []
        let paramCount = try reader.count(each: 5)
        params.reserveCapacity(paramCount)
        for _ in 0..<paramCount {
          let key = try required()
          let value: Value
          switch try reader.u8() {
          case 0: value = .int(try reader.int())
          case 1: value = .double(try reader.f64())
          case 2: value = .bool(try reader.bool())
          case 3: value = .text(try required())
          case 4:
            let text = try reader.string()
            guard let json = try? JSONValue.parse(Array(text.utf8)) else { throw Damaged() }
            value = .other(json)
          default: throw Damaged()
          }
          params.append(Param(key: key, value: value))
        }
        var tags: [Tag] = []
        let tagCount = try reader.count(each: 8)
        tags.reserveCapacity(tagCount)
        for _ in 0..<tagCount { tags.append(Tag(key: try required(), value: try required())) }
        var metrics: [Metric] = []
        let metricCount = try reader.count(each: 25)
        metrics.reserveCapacity(metricCount)
        for _ in 0..<metricCount {
          let name = try required()
          let direction: MetricDirection = try reader.bool() ? .higher : .lower
          metrics.append(
            Metric(
              name: name, direction: direction, points: try reader.int(), last: try reader.f64(), lastStep: try optional { try reader.int() },
              min: try optional { try reader.f64() }, max: try optional { try reader.f64() }, best: try optional { try reader.f64() }))
        }
        row = Row(
          version: version, status: status, author: author, started: started, ended: ended, dataset: dataset, parent: parent, code: code,
          imported: imported, params: params, tags: tags, metrics: metrics)
      }
      entries.append(Entry(id: id, sources: sources, checked: entryChecked, row: row))
    }
    guard reader.atEnd, zip(entries, entries.dropFirst()).allSatisfy({ $0.id < $1.id }) else { throw Damaged() }
  }

  fileprivate static func write(_ row: Row?, to writer: inout ByteWriter) {
    guard let row else { return writer.bool(false) }
    writer.bool(true)
    writer.int(row.version)
    writer.u8(UInt8(Run.Status.allCases.firstIndex(of: row.status)!))
    writer.i32(row.author)
    writer.f64(row.started.timeIntervalSinceReferenceDate)
    writer.bool(row.ended != nil)
    if let ended = row.ended { writer.f64(ended.timeIntervalSinceReferenceDate) }
    writer.i32(row.dataset)
    writer.i32(row.parent)
    writer.i32(row.code)
    writer.bool(row.imported)
    writer.u32(UInt32(row.params.count))
    for param in row.params {
      writer.i32(param.key)
      switch param.value {
      case .int(let n):
        writer.u8(0)
        writer.int(n)
      case .double(let d):
        writer.u8(1)
        writer.f64(d)
      case .bool(let b):
        writer.u8(2)
        writer.bool(b)
      case .text(let s):
        writer.u8(3)
        writer.i32(s)
      case .other(let json):
        writer.u8(4)
        writer.string(json.canonicalString(pretty: false))
      }
    }
    writer.u32(UInt32(row.tags.count))
    for tag in row.tags {
      writer.i32(tag.key)
      writer.i32(tag.value)
    }
    writer.u32(UInt32(row.metrics.count))
    for metric in row.metrics {
      writer.i32(metric.name)
      writer.bool(metric.direction == .higher)
      writer.int(metric.points)
      writer.f64(metric.last)
      writer.bool(metric.lastStep != nil)
      if let step = metric.lastStep { writer.int(step) }
      for value in [metric.min, metric.max, metric.best] {
        writer.bool(value != nil)
        if let value { writer.f64(value) }
      }
    }
  }
}

extension Workspace {
  /// The run index, brought up to date with the records (and stored when that changed it).
  func runIndex() throws -> RunIndex {
    let path = RunIndex.path(in: self)
    var index = RunIndex.load(path) ?? RunIndex()
    if try index.refresh(self).worthSaving { index.save(path) }
    return index
  }
}
