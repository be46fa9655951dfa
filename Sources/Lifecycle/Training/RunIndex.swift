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
    /// Where the row's bytes lie; nil for a folder with no version (a start that a crash cut
    /// short): not a run.
    var row: Bytes?
  }

  /// A stretch of one of `buffers`.
  struct Bytes {
    var buffer: Int
    var range: Range<Int>
  }

  /// A run's row, its texts as numbers (see `text(_:)`). Stored as bytes, read in place: a
  /// header of fixed size (`Layout`), then params, tags and metrics, each section after its
  /// length in bytes. A list reads the few fields its filter names from each row and decodes
  /// only the rows it shows.
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

  /// A metric's figures; the best is the max or the min by the direction, as `MetricSummary`
  /// makes it, so it is not stored.
  struct Metric {
    var name: Int32
    var direction: MetricDirection
    var points: Int
    var last: Double
    var lastStep: Int?
    var min: Double?
    var max: Double?
  }

  /// Where a row's header fields lie, from its start.
  enum Layout {
    static let status = 8
    static let author = 9
    static let started = 13
    /// Whether it ended, then when.
    static let ended = 21
    static let dataset = 30
    static let parent = 34
    static let code = 38
    static let imported = 42
    static let sections = 43
  }

  /// The file as read (buffer 0), then each row derived since.
  private var buffers: [[UInt8]] = [[]]
  /// The texts rows refer to by number: the file's (where they lie in buffer 0), then those
  /// added since.
  private var fileTexts: [Range<Int>] = []
  private var addedTexts: [String] = []
  /// Every text by number, made only when a row is derived.
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
    if !idsStand {
      // Line the entries up with the folders there are now; a new one has no entry yet.
      let ids = try workspace.documents.children(of: Run.collection)
      if ids != entries.map(\.id) {
        outcome.derived += 1
        outcome.worthSaving = true
        var old = entries[...]
        entries = ids.map { id in
          while let first = old.first, first.id < id { old.removeFirst() }
          if let first = old.first, first.id == id { return first }
          return Entry(id: id, sources: Sources(folder: nil, metrics: nil, evaluations: nil, splits: []), checked: .min, row: nil)
        }
      }
    }
    for i in entries.indices {
      let id = entries[i].id
      let known = entries[i].checked != .min
      var sources = Sources(folder: runs.identity(of: id), metrics: runs.identity(of: id + "/metrics.jsonl"), evaluations: nil, splits: [])
      if evaluationsIdentity != nil, !(noNewEvaluations && known && entries[i].sources.evaluations == nil) {
        sources.evaluations = evaluations.identity(of: id)
      }
      if let folder = sources.evaluations {
        let names: [String]
        if known, entries[i].sources.evaluations == folder, folder.settled(at: entries[i].checked) {
          names = entries[i].sources.splits.map(\.name)
        } else {
          names = try workspace.documents.children(of: RecordPath(trusted: ["evaluations", id]))
        }
        sources.splits = names.map { Sources.Split(name: $0, folder: evaluations.identity(of: id + "/" + $0)) }
      }
      let trusted = known && entries[i].sources == sources && sources.settled(at: entries[i].checked)
      if trusted && !verify { continue }
      let row = try derive(id, workspace)
      if trusted {
        if same(entries[i].row, row) { continue }
        outcome.mismatched.append(id)
      }
      entries[i] = Entry(id: id, sources: sources, checked: now, row: row.map { store($0) })
      outcome.derived += 1
      if sources.settled(at: now) { outcome.worthSaving = true }
    }
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
          min: summary.min?.value, max: summary.max?.value)
      })
  }

  /// Keeps `row`'s bytes in a buffer of their own; where they lie.
  private mutating func store(_ row: Row) -> Bytes {
    let bytes = RunIndex.encode(row)
    buffers.append(bytes)
    return Bytes(buffer: buffers.count - 1, range: 0..<bytes.count)
  }

  /// Whether a stored row says what `row` says, value for value (to the bit: NaN is a value here).
  private func same(_ stored: Bytes?, _ row: Row?) -> Bool {
    guard let stored, let row else { return stored == nil && row == nil }
    let bytes = RunIndex.encode(row)
    return buffers[stored.buffer].withUnsafeBytes { raw in
      stored.range.count == bytes.count
        && bytes.withUnsafeBytes { memcmp($0.baseAddress!, raw.baseAddress! + stored.range.lowerBound, bytes.count) == 0 }
    }
  }

  /// Text number `n`.
  func text(_ n: Int32) -> String {
    let i = Int(n)
    guard i < fileTexts.count else { return addedTexts[i - fileTexts.count] }
    return buffers[0].withUnsafeBytes { String(decoding: UnsafeRawBufferPointer(rebasing: $0[fileTexts[i]]), as: UTF8.self) }
  }

  private func text(orNil n: Int32) -> String? { n < 0 ? nil : text(n) }

  /// The number of `text`, nil when no row names it; looked up without decoding every text.
  func find(_ text: String) -> Int32? {
    if let numbers { return numbers[text] }
    var text = text
    let found = text.withUTF8 { wanted in
      buffers[0].withUnsafeBytes { raw in
        fileTexts.firstIndex {
          $0.count == wanted.count && (wanted.isEmpty || memcmp(raw.baseAddress! + $0.lowerBound, wanted.baseAddress!, wanted.count) == 0)
        }
      }
    }
    if let found { return Int32(found) }
    return addedTexts.firstIndex(of: text).map { Int32(fileTexts.count + $0) }
  }

  /// The number of `text`, added when new.
  private mutating func number(_ text: String) -> Int32 {
    if numbers == nil {
      var all: [String: Int32] = [:]
      for n in (0..<(fileTexts.count + addedTexts.count)).reversed() { all[self.text(Int32(n))] = Int32(n) }
      numbers = all
    }
    if let known = numbers![text] { return known }
    addedTexts.append(text)
    let n = Int32(fileTexts.count + addedTexts.count - 1)
    numbers![text] = n
    return n
  }

  /// Reads the bytes of `row` with `body`.
  private func reading<T>(_ row: Bytes, _ body: (inout ByteReader) throws(ByteReader.Short) -> T) -> T? {
    buffers[row.buffer].withUnsafeBytes { raw in
      var reader = ByteReader(raw, range: row.range)
      do throws(ByteReader.Short) { return try body(&reader) } catch { return nil }
    }
  }

  /// The started time of a row, for the default order.
  func started(_ row: Bytes) -> Date {
    reading(row) { reader throws(ByteReader.Short) in
      try reader.skip(Layout.started)
      return Date(timeIntervalSinceReferenceDate: try reader.f64())
    } ?? .distantPast
  }

  /// The row at `bytes`, decoded.
  func decoded(_ bytes: Bytes) -> Row? {
    reading(bytes) { reader throws(ByteReader.Short) in try RunIndex.decode(&reader) } ?? nil
  }

  /// The `RunRow` of an entry.
  func runRow(_ id: String, _ bytes: Bytes) -> RunRow? {
    guard let row = decoded(bytes) else { return nil }
    var params: [String: JSONValue] = [:]
    for param in row.params { params[text(param.key)] = json(param.value) }
    var tags: [String: String] = [:]
    for tag in row.tags { tags[text(tag.key)] = text(tag.value) }
    let summaries = row.metrics.map { metric in
      MetricSummary(
        name: text(metric.name), direction: metric.direction, points: metric.points, last: MetricValue(metric.last), lastStep: metric.lastStep,
        min: metric.min.map(MetricValue.init), max: metric.max.map(MetricValue.init),
        best: (metric.direction == .higher ? metric.max : metric.min).map(MetricValue.init))
    }
    return RunRow(
      id: id, status: row.status, author: text(row.author), started: row.started, ended: row.ended, dataset: text(orNil: row.dataset),
      parent: text(orNil: row.parent), code: text(orNil: row.code), params: params, tags: tags, imported: row.imported, summaries: summaries)
  }

  private func json(_ value: Value) -> JSONValue {
    switch value {
    case .int(let n): .int(n)
    case .double(let d): .double(d)
    case .bool(let b): .bool(b)
    case .text(let s): .string(text(s))
    case .other(let json): json
    }
  }
}

// MARK: - Filter and sort fields

extension RunIndex {
  /// A filter or sort field (see `RunRow.field`), its names looked up in the texts once.
  enum Field {
    case id, status, author, dataset, parent, code, started, ended
    case param(Int32)
    case tag(Int32)
    /// `metrics.NAME`: the metric `whole`, else figure `figure` of the metric `base` (-1: none).
    case metric(whole: Int32, base: Int32, figure: Figure)
    case none

    enum Figure { case min, max, best, last, none }
  }

  func field(_ name: String) -> Field {
    func lookUp(_ text: Substring) -> Int32 { find(String(text)) ?? -1 }
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

  /// The value of `field` for the row at `bytes`, as `RunRow.field` gives it, read in place.
  func value(_ field: Field, _ id: String, _ bytes: Bytes) -> FilterValue? {
    func number(_ offset: Int) -> Int32? {
      reading(bytes) { reader throws(ByteReader.Short) in
        try reader.skip(offset)
        return try reader.i32()
      }
    }
    func optionalText(_ offset: Int) -> FilterValue? {
      guard let n = number(offset), n >= 0 else { return nil }
      return .text(text(n))
    }
    switch field {
    case .id: return .text(id)
    case .status:
      return reading(bytes) { reader throws(ByteReader.Short) in
        try reader.skip(Layout.status)
        return FilterValue.text(Run.Status.allCases[Int(try reader.u8())].rawValue)
      }
    case .author: return number(Layout.author).map { .text(text($0)) }
    case .dataset: return optionalText(Layout.dataset)
    case .parent: return optionalText(Layout.parent)
    case .code: return optionalText(Layout.code)
    case .started: return .text(Timestamp.format(started(bytes)))
    case .ended:
      return reading(bytes) { reader throws(ByteReader.Short) in
        try reader.skip(Layout.ended)
        let has = try reader.bool()
        let ended = try reader.f64()
        return has ? FilterValue.text(Timestamp.format(Date(timeIntervalSinceReferenceDate: ended))) : nil
      } ?? nil
    case .param(let key):
      guard key >= 0 else { return nil }
      return reading(bytes) { reader throws(ByteReader.Short) -> FilterValue? in
        try reader.skip(Layout.sections)
        let end = Int(try reader.u32()) + reader.position
        while reader.position < end {
          let found = try reader.i32() == key
          let tag = try reader.u8()
          switch tag {
          case 0, 1:
            let raw = try reader.i64()
            if found { return .number(tag == 0 ? Double(Int(raw)) : Double(bitPattern: UInt64(bitPattern: raw))) }
          case 2:
            let b = try reader.bool()
            if found { return .bool(b) }
          case 3:
            let n = try reader.i32()
            if found { return .text(text(n)) }
          default:
            let json = try reader.string()
            if found { return (try? JSONValue.parse(Array(json.utf8))).flatMap(FilterValue.init) }
          }
        }
        return nil
      } ?? nil
    case .tag(let key):
      guard key >= 0 else { return nil }
      return reading(bytes) { reader throws(ByteReader.Short) -> FilterValue? in
        try reader.skip(Layout.sections)
        try reader.skip(Int(try reader.u32()))
        let end = Int(try reader.u32()) + reader.position
        while reader.position < end {
          let found = try reader.i32() == key
          let value = try reader.i32()
          if found { return .text(text(value)) }
        }
        return nil
      } ?? nil
    case .metric(let whole, let base, let figure):
      func find(_ name: Int32) -> Metric? {
        guard name >= 0 else { return nil }
        return reading(bytes) { reader throws(ByteReader.Short) -> Metric? in
          try reader.skip(Layout.sections)
          try reader.skip(Int(try reader.u32()))
          try reader.skip(Int(try reader.u32()))
          let end = Int(try reader.u32()) + reader.position
          while reader.position < end {
            let metric = try RunIndex.metric(&reader)
            if metric.name == name { return metric }
          }
          return nil
        } ?? nil
      }
      if let metric = find(whole) { return .number(metric.last) }
      guard let metric = find(base) else { return nil }
      switch figure {
      case .min: return metric.min.map { .number($0) }
      case .max: return metric.max.map { .number($0) }
      case .best: return (metric.direction == .higher ? metric.max : metric.min).map { .number($0) }
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
    var index = RunIndex()
    index.buffers = [bytes]
    let read = bytes.withUnsafeBytes { raw -> Bool in
      var reader = ByteReader(raw, range: payload)
      do { try index.read(&reader) } catch { return false }
      return true
    }
    return read ? index : nil
  }

  /// Writes the index to `path`; false when it could not (it is only a shortcut).
  @discardableResult
  func save(_ path: String) -> Bool {
    var writer = ByteWriter()
    writer.u32(UInt32(fileTexts.count + addedTexts.count))
    for n in 0..<(fileTexts.count + addedTexts.count) { writer.string(text(Int32(n))) }
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
      writer.bool(entry.row != nil)
      if let row = entry.row {
        writer.u32(UInt32(row.range.count))
        buffers[row.buffer].withUnsafeBytes { writer.raw(UnsafeRawBufferPointer(rebasing: $0[row.range])) }
      }
    }
    return DerivedFile.write(writer.bytes, to: path, kind: RunIndex.kind, schemaVersion: RunIndex.schemaVersion)
  }

  private struct Damaged: Error {}

  /// Reads the payload of buffer 0, checking every row (so that reading one in place later
  /// cannot fail), without decoding the rows.
  private mutating func read(_ reader: inout ByteReader) throws {
    let count = try reader.count(each: 4)
    fileTexts.reserveCapacity(count)
    for _ in 0..<count { fileTexts.append(try reader.stringRange()) }
    runsFolder = try reader.identity()
    evaluationsFolder = try reader.identity()
    checked = try reader.i64()
    let entryCount = try reader.count(each: 20)
    entries.reserveCapacity(entryCount)
    for _ in 0..<entryCount {
      let id = try reader.string()
      let entryChecked = try reader.i64()
      var sources = Sources(folder: try reader.identity(), metrics: try reader.identity(), evaluations: try reader.identity(), splits: [])
      let splitCount = try reader.count(each: 5)
      for _ in 0..<splitCount { sources.splits.append(Sources.Split(name: try reader.string(), folder: try reader.identity())) }
      var row: Bytes?
      if try reader.bool() {
        let length = try reader.count(each: 1)
        let start = reader.position
        var rowReader = reader
        try reader.skip(length)
        try RunIndex.check(&rowReader, end: start + length, texts: Int32(count))
        row = Bytes(buffer: 0, range: start..<(start + length))
      }
      entries.append(Entry(id: id, sources: sources, checked: entryChecked, row: row))
    }
    guard reader.atEnd, zip(entries, entries.dropFirst()).allSatisfy({ $0.id < $1.id }) else { throw Damaged() }
  }

  /// Checks that the row starting at the reader ends exactly at `end` and names texts below `texts`.
  private static func check(_ reader: inout ByteReader, end: Int, texts: Int32) throws {
    func text(_ n: Int32, optional: Bool = false) throws {
      guard n < texts, n >= (optional ? -1 : 0) else { throw Damaged() }
    }
    _ = try reader.int()
    guard Int(try reader.u8()) < Run.Status.allCases.count else { throw Damaged() }
    try text(try reader.i32())
    _ = try reader.f64()
    _ = try reader.bool()
    _ = try reader.f64()
    for _ in 0..<3 { try text(try reader.i32(), optional: true) }
    _ = try reader.bool()
    func section(_ body: (inout ByteReader) throws -> Void) throws {
      let sectionEnd = Int(try reader.u32()) + reader.position
      while reader.position < sectionEnd { try body(&reader) }
      guard reader.position == sectionEnd else { throw Damaged() }
    }
    try section { reader in
      try text(try reader.i32())
      switch try reader.u8() {
      case 0, 1: _ = try reader.i64()
      case 2: _ = try reader.bool()
      case 3: try text(try reader.i32())
      case 4: guard (try? JSONValue.parse(Array(try reader.string().utf8))) != nil else { throw Damaged() }
      default: throw Damaged()
      }
    }
    try section { reader in
      try text(try reader.i32())
      try text(try reader.i32())
    }
    try section { reader in try text(try metric(&reader).name) }
    guard reader.position == end else { throw Damaged() }
  }

  /// The flags of a stored metric.
  private enum Flag {
    static let higher: UInt8 = 1
    static let step: UInt8 = 2
    static let min: UInt8 = 4
    static let minIsLast: UInt8 = 8
    static let max: UInt8 = 16
    static let maxIsLast: UInt8 = 32
  }

  static func encode(_ row: Row) -> [UInt8] {
    var writer = ByteWriter()
    writer.int(row.version)
    writer.u8(UInt8(Run.Status.allCases.firstIndex(of: row.status)!))
    writer.i32(row.author)
    writer.f64(row.started.timeIntervalSinceReferenceDate)
    writer.bool(row.ended != nil)
    writer.f64(row.ended?.timeIntervalSinceReferenceDate ?? 0)
    writer.i32(row.dataset)
    writer.i32(row.parent)
    writer.i32(row.code)
    writer.bool(row.imported)
    func section(_ body: (inout ByteWriter) -> Void) {
      var part = ByteWriter()
      body(&part)
      writer.u32(UInt32(part.bytes.count))
      part.bytes.withUnsafeBytes { writer.raw($0) }
    }
    section { writer in
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
    }
    section { writer in
      for tag in row.tags {
        writer.i32(tag.key)
        writer.i32(tag.value)
      }
    }
    section { writer in
      for metric in row.metrics {
        writer.i32(metric.name)
        var flags: UInt8 = metric.direction == .higher ? Flag.higher : 0
        if metric.lastStep != nil { flags |= Flag.step }
        if let min = metric.min { flags |= min.bitPattern == metric.last.bitPattern ? Flag.minIsLast : Flag.min }
        if let max = metric.max { flags |= max.bitPattern == metric.last.bitPattern ? Flag.maxIsLast : Flag.max }
        writer.u8(flags)
        writer.u32(UInt32(clamping: metric.points))
        writer.f64(metric.last)
        if let step = metric.lastStep { writer.int(step) }
        if flags & Flag.min != 0 { writer.f64(metric.min!) }
        if flags & Flag.max != 0 { writer.f64(metric.max!) }
      }
    }
    return writer.bytes
  }

  private static func metric(_ reader: inout ByteReader) throws(ByteReader.Short) -> Metric {
    let name = try reader.i32()
    let flags = try reader.u8()
    let points = Int(try reader.u32())
    let last = try reader.f64()
    let step = flags & Flag.step != 0 ? try reader.int() : nil
    let min = flags & Flag.min != 0 ? try reader.f64() : flags & Flag.minIsLast != 0 ? last : nil
    let max = flags & Flag.max != 0 ? try reader.f64() : flags & Flag.maxIsLast != 0 ? last : nil
    return Metric(
      name: name, direction: flags & Flag.higher != 0 ? .higher : .lower, points: points, last: last, lastStep: step, min: min, max: max)
  }

  static func decode(_ reader: inout ByteReader) throws(ByteReader.Short) -> Row? {
    let version = try reader.int()
    let status = Run.Status.allCases[Int(try reader.u8())]
    let author = try reader.i32()
    let started = Date(timeIntervalSinceReferenceDate: try reader.f64())
    let hasEnded = try reader.bool()
    let ended = try reader.f64()
    let dataset = try reader.i32()
    let parent = try reader.i32()
    let code = try reader.i32()
    let imported = try reader.bool()
    var params: [Param] = []
    var end = Int(try reader.u32()) + reader.position
    while reader.position < end {
      let key = try reader.i32()
      let value: Value
      switch try reader.u8() {
      case 0: value = .int(try reader.int())
      case 1: value = .double(try reader.f64())
      case 2: value = .bool(try reader.bool())
      case 3: value = .text(try reader.i32())
      default:
        guard let json = try? JSONValue.parse(Array(try reader.string().utf8)) else { return nil }
        value = .other(json)
      }
      params.append(Param(key: key, value: value))
    }
    var tags: [Tag] = []
    end = Int(try reader.u32()) + reader.position
    while reader.position < end { tags.append(Tag(key: try reader.i32(), value: try reader.i32())) }
    var metrics: [Metric] = []
    end = Int(try reader.u32()) + reader.position
    while reader.position < end { metrics.append(try metric(&reader)) }
    return Row(
      version: version, status: status, author: author, started: started, ended: hasEnded ? Date(timeIntervalSinceReferenceDate: ended) : nil,
      dataset: dataset, parent: parent, code: code, imported: imported, params: params, tags: tags, metrics: metrics)
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
