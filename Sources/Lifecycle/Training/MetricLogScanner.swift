import Foundation
import VersionedStore

/// Reads the points of a metric log for the figures (name, value, step) without building a JSON
/// tree per line: the store writes each event in canonical form (sorted keys, no spaces), so a
/// line is `{"author":…,"body":{"metric":"…"[,"split":"…"][,"step":N],"value":V},…}`. A line
/// of another shape (edited by hand, say) goes through the full JSON parser; a line that is not
/// JSON is an error naming it. A torn last line (no newline) is left out, as `EventLog.read`
/// leaves it. The log is read in stretches on every core (`LineScan`) and each metric's figures
/// are kept as the points go by (`MetricFigures`), so that no point is kept: a million points in
/// a tenth of a second.
enum MetricLogScanner {
  struct Point {
    var name: String
    /// Where the name is in the stretch's table of names, when it is there.
    var slot: Int?
    var value: Double
    var step: Int?
    /// Where the canonical line's body ended (nil for a line the JSON parser read).
    var bodyEnd: Int?
    /// Where its time is in the line (nil for a line the JSON parser read).
    var time: Range<Int>? = nil
  }

  /// Each metric's figures over the log, by name.
  static func figures(_ log: EventLog) throws -> [String: MetricFigures] {
    let scanned: (first: [UInt8]?, parts: [Stretch])
    do {
      scanned = try LineScan.scan(log.path, as: Stretch.self)
    } catch {
      if case .notFound = error { return [:] }
      throw error
    }
    guard let first = scanned.first else { return [:] }
    let parts = scanned.parts
    let header = try JSONValue.parse(first)
    guard header["kind"]?.stringValue == MetricPoint.kind else {
      throw StoreError.wrongKind(file: log.path, expected: MetricPoint.kind, found: header["kind"]?.stringValue ?? "")
    }
    if let (offset, reason) = parts.lazy.compactMap(\.problem).first {
      throw StoreError.corrupt(file: log.path, reason: "line \(LineScan.lineNumber(log.path, at: offset)) \(reason)")
    }
    var total: [String: MetricFigures] = [:]
    for part in parts {
      for (name, index) in part.byName { total[name, default: MetricFigures()].append(part.figures[index]) }
    }
    return total
  }

  /// One metric's points, in log order.
  struct History {
    var steps: [Int?] = []
    var values: [Double] = []
    /// Each point's time as the log holds it (ISO 8601).
    var times: [String] = []
  }

  /// Every point of the metric named `name` (`dev.f1`), in log order.
  static func history(_ log: EventLog, name: String) throws -> History {
    let scanned: (first: [UInt8]?, parts: [HistoryStretch])
    do {
      scanned = try LineScan.scan(log.path) { HistoryStretch(wanted: name) }
    } catch {
      if case .notFound = error { return History() }
      throw error
    }
    guard let first = scanned.first else { return History() }
    let header = try JSONValue.parse(first)
    guard header["kind"]?.stringValue == MetricPoint.kind else {
      throw StoreError.wrongKind(file: log.path, expected: MetricPoint.kind, found: header["kind"]?.stringValue ?? "")
    }
    if let (offset, reason) = scanned.parts.lazy.compactMap(\.problem).first {
      throw StoreError.corrupt(file: log.path, reason: "line \(LineScan.lineNumber(log.path, at: offset)) \(reason)")
    }
    var total = History()
    for part in scanned.parts {
      total.steps += part.history.steps
      total.values += part.history.values
      total.times += part.history.times
    }
    return total
  }

  /// The points of one metric in one stretch of the log.
  struct HistoryStretch: StretchReader {
    var wanted = ""
    var names: [(metric: [UInt8], split: [UInt8]?, name: String)] = []
    var history = History()
    var problem: (offset: Int, reason: String)?

    init() {}
    init(wanted: String) { self.wanted = wanted }

    mutating func line(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
      guard problem == nil else { return }
      let b = bytes.assumingMemoryBound(to: UInt8.self)
      if let point = MetricLogScanner.fast(b, 0, b.count, &names), let time = point.time {
        guard point.name == wanted else { return }
        history.steps.append(point.step)
        history.values.append(point.value)
        history.times.append(String(decoding: UnsafeBufferPointer(rebasing: b[time]), as: UTF8.self))
        return
      }
      guard let (point, time) = MetricLogScanner.parsed(b, at: offset, problem: &problem), point.name == wanted else { return }
      history.steps.append(point.step)
      history.values.append(point.value.value)
      history.times.append(time)
    }
  }

  /// The figures of one stretch of the log.
  struct Stretch: StretchReader {
    var names: [(metric: [UInt8], split: [UInt8]?, name: String)] = []
    /// For each entry of `names`, its place in `figures` (-1: none yet).
    var slots: [Int] = []
    var figures: [MetricFigures] = []
    var byName: [String: Int] = [:]
    /// The first line that is not a point: where it starts, and what is wrong.
    var problem: (offset: Int, reason: String)?

    mutating func line(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
      guard problem == nil else { return }
      let b = bytes.assumingMemoryBound(to: UInt8.self)
      if let point = MetricLogScanner.fast(b, 0, b.count, &names) {
        add(point)
        return
      }
      guard let (point, _) = MetricLogScanner.parsed(b, at: offset, problem: &problem) else { return }
      add(Point(name: point.name, slot: nil, value: point.value.value, step: point.step, bodyEnd: nil))
    }

    private mutating func add(_ point: Point) {
      let index: Int
      if let slot = point.slot, slot < slots.count, slots[slot] >= 0 {
        index = slots[slot]
      } else {
        if let known = byName[point.name] {
          index = known
        } else {
          index = figures.count
          figures.append(MetricFigures())
          byName[point.name] = index
        }
        if let slot = point.slot {
          while slots.count <= slot { slots.append(-1) }
          slots[slot] = index
        }
      }
      figures[index].add(point.value, step: point.step)
    }
  }

  /// A line the fast reader does not know, read by the JSON parser and checked as `fsck` checks
  /// an event (seq, author, role, time, body) and a point (a step is a whole number from 0): the
  /// point and its time as written, or nil with `problem` set.
  static func parsed(
    _ b: UnsafeBufferPointer<UInt8>, at offset: Int, problem: inout (offset: Int, reason: String)?
  ) -> (MetricPoint, String)? {
    let json: JSONValue
    do { json = try JSONValue.parse(b) } catch {
      problem = (offset, "is not JSON (\(error))")
      return nil
    }
    guard let seq = json["seq"]?.intValue, seq >= 1, json["author"]?.stringValue != nil, json["role"]?.stringValue != nil,
      let time = json["time"]?.stringValue, Timestamp.parse(time) != nil
    else {
      problem = (offset, "is not an event (seq, author, role, time, body)")
      return nil
    }
    guard let body = json["body"], let point = MetricPoint(json: body), (point.step ?? 0) >= 0 else {
      problem = (offset, "is not a metric point {metric, value, step from 0, split}")
      return nil
    }
    return (point, time)
  }

  /// The point of a canonical line, or nil when the line is not in the shape expected.
  fileprivate static func fast(
    _ b: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, _ names: inout [(metric: [UInt8], split: [UInt8]?, name: String)]
  ) -> Point? {
    var i = start
    func expect(_ text: StaticString) -> Bool {
      let count = text.utf8CodeUnitCount
      guard i + count <= end, memcmp(b.baseAddress! + i, text.utf8Start, count) == 0 else { return false }
      i += count
      return true
    }
    /// A plain string (no escapes) up to its closing quote; the index range.
    func string() -> Range<Int>? {
      let from = i
      while i < end, b[i] != UInt8(ascii: "\"") {
        if b[i] == UInt8(ascii: "\\") { return nil }
        i += 1
      }
      guard i < end else { return nil }
      defer { i += 1 }
      return from..<i
    }
    // {"author":"…","body":{"metric":"…"…},"role":"…","seq":N,"time":"…"}: an event as the
    // store writes it; anything else is read by the parser, which checks it as fsck does.
    guard expect("{\"author\":\""), let author = string(), !author.isEmpty, expect(",\"body\":{\"metric\":\"") else { return nil }
    guard let metric = string() else { return nil }
    var split: Range<Int>?
    var step: Int?
    if expect(",\"split\":\"") {
      guard let s = string() else { return nil }
      split = s
    }
    if expect(",\"step\":") {
      var n = 0
      var digits = 0
      while i < end, b[i] >= 48, b[i] <= 57 {
        n = n &* 10 &+ Int(b[i] - 48)
        digits += 1
        i += 1
      }
      guard digits > 0, digits < 19 else { return nil }
      step = n
    }
    guard expect(",\"value\":") else { return nil }
    let value: Double
    if i < end, b[i] == UInt8(ascii: "\"") {
      i += 1
      guard let text = string(), let special = MetricValue.nonFinite(String(decoding: UnsafeBufferPointer(rebasing: b[text]), as: UTF8.self))
      else { return nil }
      value = special
    } else {
      let from = i
      while i < end, b[i] != UInt8(ascii: "}") {
        // A JSON number's characters only (strtod would also take hex, inf and nan).
        let c = b[i]
        guard (c >= 48 && c <= 57) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "+") || c == 101 || c == 69 else {
          return nil
        }
        i += 1
      }
      guard i < end, i > from else { return nil }
      var stop: UnsafeMutablePointer<CChar>?
      let parsed = b.baseAddress!.advanced(by: from).withMemoryRebound(to: CChar.self, capacity: i - from) { strtod($0, &stop) }
      guard let stop, Int(bitPattern: stop) == Int(bitPattern: b.baseAddress!.advanced(by: i)), parsed.isFinite else { return nil }
      value = parsed
    }
    guard expect("}") else { return nil }
    let bodyEnd = i
    guard expect(",\"role\":\""), let role = string(), !role.isEmpty, expect(",\"seq\":"), i < end, b[i] >= 49, b[i] <= 57 else { return nil }
    var seqDigits = 0
    while i < end, b[i] >= 48, b[i] <= 57 {
      seqDigits += 1
      i += 1
    }
    guard seqDigits < 19, expect(",\"time\":\""), let time = string(), Timestamp.isWellFormed(b, time), expect("}"), i == end else { return nil }
    // The name, interned without allocating: a long log has few distinct metrics.
    func same(_ known: [UInt8], _ range: Range<Int>) -> Bool {
      known.count == range.count && known.withUnsafeBufferPointer { memcmp($0.baseAddress!, b.baseAddress! + range.lowerBound, range.count) == 0 }
    }
    let name: String
    var slot: Int?
    func matches(_ entry: (metric: [UInt8], split: [UInt8]?, name: String)) -> Bool {
      guard same(entry.metric, metric) else { return false }
      switch (entry.split, split) {
      case (nil, nil): return true
      case (let known?, let range?): return same(known, range)
      default: return false
      }
    }
    if let known = names.firstIndex(where: matches) {
      name = names[known].name
      slot = known
    } else {
      let metricName = String(decoding: UnsafeBufferPointer(rebasing: b[metric]), as: UTF8.self)
      name = split.map { String(decoding: UnsafeBufferPointer(rebasing: b[$0]), as: UTF8.self) + "." + metricName } ?? metricName
      if names.count < 256 {
        slot = names.count
        names.append((Array(b[metric]), split.map { Array(b[$0]) }, name))
      }
    }
    return Point(name: name, slot: slot, value: value, step: step, bodyEnd: bodyEnd, time: time)
  }
}
