import Foundation
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// The body of one event of a label log, `labels/<dataset>/<annotator>.jsonl` (kind `label`):
/// an annotator's label for an item, or a skip with a reason. The latest event for an item wins;
/// earlier ones stay in the file as history. Schema: `schemas/kinds/label.schema.json`.
public struct LabelBody: Codable, Sendable, Equatable {
  public static let kind = "label"
  public static let schemaVersion = 1

  public var item: String
  /// The label, or the labels of a multi-label task joined by `+` in schema order.
  public var label: String?
  /// Why the item was skipped (no label).
  public var skip: String?
  /// The guideline version the label was made under; absent for labels imported from elsewhere.
  public var guidelines: Int?
  /// The assignment version whose queue positions `next` and `ahead` count in.
  public var assignment: Int?
  /// The annotator's first queue position not yet done, after this event.
  public var next: Int?
  /// Positions after `next` that are done (labelled out of order); absent when none.
  public var ahead: [Int]?
  /// Where an imported label came from (`label-studio`, `csv`).
  public var source: String?
  /// The label import this event belongs to; it counts only once `label-imports/<dataset>/<id>`
  /// is published (see `LabelImportRecord`).
  public var importID: String?

  enum CodingKeys: String, CodingKey {
    case item, label, skip, guidelines, assignment, next, ahead, source
    case importID = "import"
  }

  public init(
    item: String, label: String? = nil, skip: String? = nil, guidelines: Int? = nil, assignment: Int? = nil,
    next: Int? = nil, ahead: [Int]? = nil, source: String? = nil, importID: String? = nil
  ) {
    self.item = item
    self.label = label
    self.skip = skip
    self.guidelines = guidelines
    self.assignment = assignment
    self.next = next
    self.ahead = ahead
    self.source = source
    self.importID = importID
  }
}

/// Every annotator's current labels of one dataset, read from the label logs in one pass each.
///
/// The logs are read with a byte scanner that picks the few fields it needs out of each line
/// (`item`, `label` or `skip`, `guidelines`, `time`) instead of building a JSON tree: a million
/// labels read in a fraction of a second. A line the scanner does not recognise (edited by hand,
/// say) goes through the full JSON parser; a line that is not JSON is an error naming it.
public struct DatasetLabels: Sendable {
  /// One annotator's current state for one item.
  public struct Entry: Sendable {
    public var item: Int32
    public var annotator: Int32
    /// Index into `values`; -1 for a skip.
    public var value: Int32
    /// 0 for an imported label.
    public var guidelines: Int32
    /// Seconds since 1970.
    public var time: Int64
    /// Index into `values` of the first label this annotator gave the item (re-submissions
    /// do not move it); -1 when they only skipped it.
    public var firstValue: Int32
  }

  public var items: [String] = []
  public var values: [String] = []
  public var annotators: [String] = []
  /// The latest event per (annotator, item), in no particular order.
  public var entries: [Entry] = []
  /// Events per annotator, re-submissions included.
  public var events: [Int] = []

  public var labelCount: Int { entries.count { $0.value >= 0 } }

  /// Reads `folder/*.jsonl` (only `only`'s log when given); an absent folder has no labels.
  /// Events of a label import not in `completedImports` are left out (an import cut short).
  public init(folder: String, only: String? = nil, completedImports: Set<String> = []) throws {
    let completed = Set(completedImports.map { Array($0.utf8) })
    var itemIndex = ByteInterner(capacity: 1 << 16)
    var valueIndex = ByteInterner(capacity: 64)
    let files = only.map { [$0 + ".jsonl"] } ?? (try? FileIO.list(folder)) ?? []
    for file in files.sorted() where file.hasSuffix(".jsonl") {
      let name = String(file.dropLast(".jsonl".count))
      guard Name.problem(with: name) == nil else { continue }
      guard FileIO.exists(folder + "/" + file) else { continue }
      let bytes = try FileIO.read(folder + "/" + file)
      let annotator = Int32(annotators.count)
      annotators.append(name)
      events.append(0)
      var slot: [Int32] = []
      try bytes.withUnsafeBufferPointer { buffer in
        try scan(
          buffer, file: folder + "/" + file, annotator: annotator, completed: completed, items: &itemIndex, values: &valueIndex, slot: &slot)
      }
    }
    items = itemIndex.names
    values = valueIndex.names
  }

  private mutating func scan(
    _ buffer: UnsafeBufferPointer<UInt8>, file: String, annotator: Int32, completed: Set<[UInt8]>, items: inout ByteInterner,
    values: inout ByteInterner, slot: inout [Int32]
  ) throws {
    guard let firstNewline = LineScanner.newline(buffer, from: 0) else { return }  // empty, or a torn header
    let header = try? JSONValue.parse(UnsafeBufferPointer(rebasing: buffer[0..<firstNewline]))
    guard let kind = header?["kind"]?.stringValue else { throw StoreError.corrupt(file: file, reason: "line 1 is not a log header") }
    guard kind == LabelBody.kind else { throw StoreError.wrongKind(file: file, expected: LabelBody.kind, found: kind) }
    if let version = header?["schemaVersion"]?.intValue, version > LabelBody.schemaVersion {
      throw StoreError.newerSchema(file: file, kind: kind, found: version, known: LabelBody.schemaVersion)
    }
    var start = firstNewline + 1
    var line = 1
    var lastImport: [UInt8] = []
    var lastImportCompleted = false
    while let end = LineScanner.newline(buffer, from: start) {
      line += 1
      defer { start = end + 1 }
      var fields = LineScanner.labelFields(buffer, start, end)
      if fields == nil { fields = try LineScanner.slowLabelFields(buffer, start, end, file: file, line: line) }
      guard let f = fields else { continue }
      if let id = f.importID {
        if !buffer[id].elementsEqual(lastImport) {
          lastImport = Array(buffer[id])
          lastImportCompleted = completed.contains(lastImport)
        }
        guard lastImportCompleted else { continue }
      }
      let (item, _) = items.intern(buffer, f.item.lowerBound, f.item.upperBound)
      var value: Int32 = -1
      if let range = f.label { value = values.intern(buffer, range.lowerBound, range.upperBound).0 }
      events[Int(annotator)] += 1
      var entry = Entry(item: item, annotator: annotator, value: value, guidelines: Int32(f.guidelines), time: f.time, firstValue: value)
      if Int(item) >= slot.count { slot.append(contentsOf: repeatElement(-1, count: Int(item) + 1 - slot.count + 1024)) }
      if slot[Int(item)] >= 0 {
        let earlier = entries[Int(slot[Int(item)])].firstValue
        if earlier >= 0 { entry.firstValue = earlier }
        entries[Int(slot[Int(item)])] = entry
      } else {
        slot[Int(item)] = Int32(entries.count)
        entries.append(entry)
      }
    }
  }
}

/// Finds fields in canonical label lines without building JSON values.
enum LineScanner {
  struct Fields {
    var item: Range<Int>
    var label: Range<Int>?
    var guidelines: Int
    var time: Int64
    var importID: Range<Int>? = nil
  }

  static func newline(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
    guard start < buffer.count, let base = buffer.baseAddress else { return nil }
    guard let found = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
    return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
  }

  /// The index of the first `pattern` in `base[start..<end]` (memchr for its first byte, then
  /// memcmp: Glibc's memmem is a GNU extension that Swift does not see).
  static func search(_ base: UnsafePointer<UInt8>, _ start: Int, _ end: Int, _ pattern: UnsafePointer<UInt8>, _ length: Int) -> Int? {
    var from = start
    while end - from >= length {
      guard let hit = memchr(base + from, Int32(pattern[0]), end - from - length + 1) else { return nil }
      let at = base.distance(to: hit.assumingMemoryBound(to: UInt8.self))
      if memcmp(base + at, pattern, length) == 0 { return at }
      from = at + 1
    }
    return nil
  }

  /// A quoted text that needs no unescaping: up to the next `"`, with no `\` on the way.
  static func plainString(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int, _ end: Int) -> Range<Int>? {
    var i = start
    while i < end {
      let b = buffer[i]
      if b == 0x22 { return start..<i }
      if b == 0x5C { return nil }
      i += 1
    }
    return nil
  }

  /// The fields of a line as mlw writes it: `{"author":"…","body":{…},"role":"…","seq":…,
  /// "time":"…"}` with the body's keys in sorted order. The body is walked key by key (a string,
  /// a number or an array of numbers each); the time sits at a fixed place before the line's end.
  /// Anything else returns nil, and the caller falls back to the JSON parser.
  static func labelFields(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Fields? {
    let quote: UInt8 = 0x22
    guard let base = buffer.baseAddress, end - start > 40 else { return nil }
    func expect(_ literal: StaticString, at i: Int) -> Bool {
      let n = literal.utf8CodeUnitCount
      return i + n <= end && memcmp(base + i, literal.utf8Start, n) == 0
    }
    // The time: the line ends with "time":"YYYY-MM-DDTHH:MM:SSZ"}
    let timeStart = end - 22
    guard buffer[end - 1] == 0x7D, expect(#""time":""#, at: timeStart - 8), let time = epochSeconds(buffer, timeStart) else { return nil }
    guard expect(#"{"author":""#, at: start) else { return nil }
    var i = start + 11
    while i < end, buffer[i] != quote { i += 1 }
    guard expect(#"","body":{"#, at: i) else { return nil }
    i += 10
    var item: Range<Int>?
    var label: Range<Int>?
    var skip = false
    var importID: Range<Int>?
    var guidelines = 0
    while i < end {
      guard buffer[i] == quote else { return nil }
      let keyStart = i + 1
      var k = keyStart
      while k < end, buffer[k] != quote { k += 1 }
      guard k + 1 < end, buffer[k + 1] == 0x3A else { return nil }
      let keyLength = k - keyStart
      i = k + 2
      guard i < end else { return nil }
      let valueStart = i
      // An import id that is not a string is for the JSON parser to refuse.
      if keyLength == 6, buffer[keyStart] == 0x69, buffer[i] != quote { return nil }
      switch buffer[i] {
      case quote:
        i += 1
        var escaped = false
        while i < end, buffer[i] != quote {
          if buffer[i] == 0x5C {
            escaped = true
            i += 1
          }
          i += 1
        }
        guard i < end else { return nil }
        let text = (valueStart + 1)..<i
        i += 1
        if keyLength == 4, buffer[keyStart] == 0x69 {  // item
          guard !escaped else { return nil }
          item = text
        } else if keyLength == 5, buffer[keyStart] == 0x6C {  // label
          guard !escaped else { return nil }
          label = text
        } else if keyLength == 4, buffer[keyStart] == 0x73 {  // skip
          skip = true
        } else if keyLength == 6, buffer[keyStart] == 0x69 {  // import
          guard !escaped, LabelImportRecord.isID(buffer[text]) else { return nil }
          importID = text
        }
      case 0x5B:  // an array of numbers
        while i < end, buffer[i] != 0x5D { i += 1 }
        i += 1
      default:  // a number
        var n = 0
        while i < end, buffer[i] >= 48, buffer[i] <= 57 {
          n = n &* 10 &+ Int(buffer[i] - 48)
          i += 1
        }
        guard i > valueStart else { return nil }
        if keyLength == 10, buffer[keyStart] == 0x67 { guidelines = n }  // guidelines
      }
      guard i < end else { return nil }
      if buffer[i] == 0x2C {
        i += 1
      } else if buffer[i] == 0x7D {
        break
      } else {
        return nil
      }
    }
    guard let item, label != nil || skip else { return nil }
    return Fields(item: item, label: label, guidelines: guidelines, time: time, importID: importID)
  }

  /// Parses a line the scanner did not recognise with the JSON parser; nil for a line that is an
  /// event but not a label or skip.
  static func slowLabelFields(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, file: String, line: Int) throws -> Fields? {
    let json: JSONValue
    do { json = try JSONValue.parse(UnsafeBufferPointer(rebasing: buffer[start..<end])) } catch {
      throw StoreError.corrupt(file: file, reason: "line \(line) is not JSON (\(error.reason))")
    }
    guard let body = json["body"], let item = body["item"]?.stringValue, Item.problem(with: item) == nil,
      let timeText = json["time"]?.stringValue, let date = Timestamp.parse(timeText)
    else { throw StoreError.corrupt(file: file, reason: "line \(line) is not a label event (body.item, time)") }
    // Re-find the item and label bytes: they need no escaping, so they appear verbatim.
    guard let itemRange = find(Array(item.utf8), buffer, start, end) else { return nil }
    var labelRange: Range<Int>?
    if let label = body["label"]?.stringValue {
      guard let range = find(Array(label.utf8), buffer, itemRange.upperBound, end) ?? find(Array(label.utf8), buffer, start, end) else {
        throw StoreError.corrupt(file: file, reason: "line \(line) has a label that is not a label name")
      }
      labelRange = range
    } else if body["skip"] == nil {
      throw StoreError.corrupt(file: file, reason: "line \(line) has neither a label nor a skip")
    }
    var importRange: Range<Int>?
    if let value = body["import"] {
      guard let id = value.stringValue, LabelImportRecord.isID(Array(id.utf8)), let range = find(Array(id.utf8), buffer, start, end) else {
        throw StoreError.corrupt(file: file, reason: "line \(line) has an import id that is not an id")
      }
      importRange = range
    }
    return Fields(
      item: itemRange, label: labelRange, guidelines: body["guidelines"]?.intValue ?? 0, time: Int64(date.timeIntervalSince1970),
      importID: importRange)
  }

  private static func find(_ needle: [UInt8], _ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Range<Int>? {
    guard let base = buffer.baseAddress, !needle.isEmpty else { return nil }
    var from = start
    while from < end {
      guard let at = needle.withUnsafeBufferPointer({ search(base, from, end, $0.baseAddress!, needle.count) }) else { return nil }
      // Whole quoted strings only.
      if at > 0, buffer[at - 1] == 0x22, at + needle.count < end, buffer[at + needle.count] == 0x22 {
        return at..<(at + needle.count)
      }
      from = at + 1
    }
    return nil
  }

  /// `YYYY-MM-DDTHH:MM:SSZ` at `i` as seconds since 1970 (days from the civil calendar).
  static func epochSeconds(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int64? {
    func digits(_ at: Int, _ count: Int) -> Int64? {
      var n: Int64 = 0
      for k in at..<(at + count) {
        let d = b[k]
        guard d >= 48, d <= 57 else { return nil }
        n = n * 10 + Int64(d - 48)
      }
      return n
    }
    guard b[i + 19] == UInt8(ascii: "Z"), let y = digits(i, 4), let m = digits(i + 5, 2), let d = digits(i + 8, 2),
      let hh = digits(i + 11, 2), let mm = digits(i + 14, 2), let ss = digits(i + 17, 2)
    else { return nil }
    let yy = m <= 2 ? y - 1 : y
    let era = (yy >= 0 ? yy : yy - 399) / 400
    let yoe = yy - era * 400
    let doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    let days = era * 146097 + doe - 719468
    return days * 86400 + hh * 3600 + mm * 60 + ss
  }
}

extension Workspace {
  /// The label log of `annotator` in dataset `dataset`.
  public func labelLog(_ dataset: String, annotator: String) -> EventLog {
    EventLog(path: folder + "/labels/\(dataset)/\(annotator).jsonl", kind: LabelBody.kind, schemaVersion: LabelBody.schemaVersion)
  }

  /// Every annotator's current labels of `dataset`.
  public func labels(_ dataset: String) throws -> DatasetLabels {
    _ = try Name(dataset, what: "dataset name")
    return try DatasetLabels(folder: folder + "/labels/" + dataset, completedImports: try completedImports(dataset))
  }

  /// The datasets that have label logs.
  public func labelledDatasets() throws -> [String] { try documents.children(of: RecordPath(trusted: ["labels"])) }
}

extension DatasetLabels {
  /// `entries` in the raw export's order, items by id and then annotators by name (byte order),
  /// with the item indices in id order. The export and the report share it, so that the report
  /// equals `mlw stats agreement` on the export to the last bit.
  public func exportOrder(_ entries: [Entry]) -> (entries: [Entry], itemOrder: [Int]) {
    let itemOrder = items.indices.sorted { items[$0].utf8.lexicographicallyPrecedes(items[$1].utf8) }
    var rank = [Int32](repeating: 0, count: items.count)
    for (r, i) in itemOrder.enumerated() { rank[i] = Int32(r) }
    let sorted = entries.sorted {
      rank[Int($0.item)] != rank[Int($1.item)]
        ? rank[Int($0.item)] < rank[Int($1.item)]
        : annotators[Int($0.annotator)].utf8.lexicographicallyPrecedes(annotators[Int($1.annotator)].utf8)
    }
    return (sorted, itemOrder)
  }
}
