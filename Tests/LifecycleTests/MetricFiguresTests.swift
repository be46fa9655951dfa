import Foundation
import Statistics
import Testing
import VersionedStore

@testable import Lifecycle

/// A metric's figures kept point by point, and a log read in stretches on several threads, give
/// what the whole list of points gives.
@Suite struct MetricFiguresTests {
  /// The figures from the whole list of points: the definition the streaming figures keep.
  static func expected(_ name: String, _ points: [(value: Double, step: Int?)]) -> MetricSummary {
    let direction = MetricDirection.resolve(name.split(separator: ".").last.map(String.init) ?? name).direction
    var lastIndex = points.count - 1
    if points.contains(where: { $0.step != nil }) {
      for (i, point) in points.enumerated() where (point.step ?? .min) >= (points[lastIndex].step ?? .min) { lastIndex = i }
    }
    let numbers = points.map(\.value).filter { !$0.isNaN }
    let low = numbers.min()
    let high = numbers.max()
    var summary = MetricSummary(name: name, figures: MetricFigures())
    summary.direction = direction
    summary.points = points.count
    summary.last = MetricValue(points[lastIndex].value)
    summary.lastStep = points[lastIndex].step
    summary.min = low.map(MetricValue.init)
    summary.max = high.map(MetricValue.init)
    summary.best = (direction == .higher ? high : low).map(MetricValue.init)
    return summary
  }

  /// Bitwise, so that a NaN equals itself.
  static func same(_ a: MetricSummary, _ b: MetricSummary) -> Bool {
    func bits(_ v: MetricValue?) -> UInt64? { v?.value.bitPattern }
    return a.name == b.name && a.direction == b.direction && a.points == b.points && bits(a.last) == bits(b.last) && a.lastStep == b.lastStep
      && bits(a.min) == bits(b.min) && bits(a.max) == bits(b.max) && bits(a.best) == bits(b.best)
  }

  @Test func pointByPointAndInStretchesTheFiguresAreThoseOfAllThePoints() {
    var random = SystemRandomNumberGenerator()
    let values: [Double] = [0.5, 0.25, -0.0, 0.0, .nan, .infinity, -.infinity, 1, 1]
    for trial in 0..<2000 {
      let count = Int.random(in: 1...12, using: &random)
      let points = (0..<count).map { _ in
        (
          value: values.randomElement(using: &random)!,
          step: trial % 3 == 0 ? nil : Bool.random(using: &random) ? Int.random(in: 0...4, using: &random) : nil
        )
      }
      let name = trial % 2 == 0 ? "dev.loss" : "f1"
      var whole = MetricFigures()
      for point in points { whole.add(point.value, step: point.step) }
      let cut = Int.random(in: 0...count, using: &random)
      var first = MetricFigures()
      var second = MetricFigures()
      for point in points[..<cut] { first.add(point.value, step: point.step) }
      for point in points[cut...] { second.add(point.value, step: point.step) }
      first.append(second)
      let expected = Self.expected(name, points)
      #expect(Self.same(MetricSummary(name: name, figures: whole), expected), "\(points)")
      #expect(Self.same(MetricSummary(name: name, figures: first), expected), "\(points) cut at \(cut)")
      #expect(whole.maxStep == points.compactMap(\.step).max())
    }
  }

  @Test func aLogOfManyMegabytesIsReadInStretchesAndAHandWrittenOrBadLineIsFound() throws {
    let folder = NSTemporaryDirectory() + "/mlw-figures-\(UInt64.random(in: 0...UInt64.max))"
    let log = EventLog(path: folder + "/metrics.jsonl", kind: MetricPoint.kind, schemaVersion: MetricPoint.schemaVersion)
    let now = Date(timeIntervalSince1970: 1_795_000_000)
    var expected: [String: [(value: Double, step: Int?)]] = [:]
    // About 12 MB: three stretches' worth, so that stretches meet inside a run of points.
    for batch in 0..<8 {
      var drafts: [EventDraft] = []
      for i in 0..<10_000 {
        let n = batch * 10_000 + i
        let point = MetricPoint(
          metric: ["f1", "loss", "recall[bridge]"][n % 3], value: MetricValue(n % 97 == 0 ? .nan : 1 / Double(n + 1)), step: n % 5 == 0 ? nil : n,
          split: n % 2 == 0 ? "dev" : nil)
        expected[point.name, default: []].append((point.value.value, point.step))
        drafts.append(EventDraft(author: "eve-with-a-long-name-to-fill-the-file", role: "engineer", time: now, body: try JSONValue(encoding: point)))
      }
      _ = try log.append(batch: drafts)
    }
    var bytes = try FileIO.read(log.path)
    #expect(bytes.count > 12 << 20)
    // A line written by hand, not in canonical form, in the middle: read by the full parser.
    let handWritten =
      #"{"seq": 80001, "author": "eve", "role": "engineer", "time": "2026-11-18T11:06:40Z", "body": {"value": 0.125, "metric": "f1", "split": "dev", "step": 999999}}"#
    let middle = bytes[(bytes.count / 2)...].firstIndex(of: 0x0A)! + 1
    bytes.insert(contentsOf: Array(handWritten.utf8) + [0x0A], at: middle)
    expected["dev.f1", default: []].append((0.125, 999_999))
    // A torn last line is left out.
    bytes += Array(#"{"author":"eve","body":{"metric":"f1","#.utf8)
    try FileIO.replace(bytes, at: log.path)
    let figures = try MetricLogScanner.figures(log)
    #expect(Set(figures.keys) == Set(expected.keys))
    for (name, points) in expected {
      let got = MetricSummary(name: name, figures: try #require(figures[name]))
      #expect(Self.same(got, Self.expected(name, points)), "\(name): \(got)")
    }
    // A line that is not JSON is named by its number, wherever the stretch it falls in starts.
    let lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false)
    let bad = lines.count * 3 / 4
    var broken = lines.prefix(bad).flatMap { $0 + [0x0A] } + Array("not json".utf8) + [0x0A]
    broken += lines.dropFirst(bad + 1).dropLast().flatMap { $0 + [0x0A] }
    try FileIO.replace(broken, at: log.path)
    #expect {
      _ = try MetricLogScanner.figures(log)
    } throws: { error in
      guard case StoreError.corrupt(_, let reason) = error else { return false }
      return reason.hasPrefix("line \(bad + 1) is not JSON")
    }
  }
}
