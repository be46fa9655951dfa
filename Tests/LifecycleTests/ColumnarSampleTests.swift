import Foundation
import Statistics
import Testing
import VersionedStore

@testable import Lifecycle

/// The columnar reader must give the drift tests exactly what reading every cell as text does.
@Suite struct ColumnarSampleTests {
  private func file(_ text: String) throws -> String {
    let path = NSTemporaryDirectory() + "columnar-\(UUID().uuidString).csv"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func readsEveryNumberAsDoubleFromTextDoes() throws {
    var cells = [
      "0", "-0", "007", "1.5", "-2.25", "123456789012345", "1234567890123456", "0.1", "0.3", "3.14159265358979", "1e5", "1E-3", "+4", ".5", "5.",
      "-.5", "1.0000000000000002", "9007199254740993", "0.000000000000000000001", "0.1234567890123456789", "inf", "-infinity", "nan", "1e999",
      "0x1p3", "12345.6789012345",
    ]
    var generator = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let digits = Int.random(in: 1...17, using: &generator)
      let point = Int.random(in: 0...digits, using: &generator)
      var text = String((0..<digits).map { _ in Character(String(Int.random(in: 0...9, using: &generator))) })
      if point < digits { text.insert(".", at: text.index(text.startIndex, offsetBy: max(point, 1))) }
      cells.append(Bool.random(using: &generator) ? "-" + text : text)
    }
    let sample = try ColumnarSample(file: try file("x\n" + cells.joined(separator: "\n") + "\n"))
    let column = try #require(sample.data["x"])
    let expected = cells.compactMap { Double($0) }
    #expect(column.allNumbers)
    #expect(column.numbers.count + column.nonFinite == expected.count)
    let finite = expected.filter(\.isFinite)
    #expect(column.numbers.count == finite.count)
    for (ours, theirs) in zip(column.numbers, finite) { #expect(ours.bitPattern == theirs.bitPattern, "\(ours) vs \(theirs)") }
  }

  @Test func driftFromColumnsEqualsDriftFromTexts() throws {
    var generator = SystemRandomNumberGenerator()
    func rows(_ n: Int, shift: Double, lateText: Bool) -> String {
      var text = "num,few,cat,late,gaps\n"
      for i in 0..<n {
        let num = String(format: "%.3f", Double.random(in: 0...1, using: &generator) + shift)
        let few = String(Int.random(in: 0...3, using: &generator))
        let cat = ["a", "b", "c"][Int.random(in: 0...2, using: &generator)]
        // More than 100 distinct numbers, then a text: the column is read again as texts.
        let late = lateText && i == n - 1 ? "n/a" : String(i)
        let gaps = i % 7 == 0 ? "" : (i % 11 == 0 ? "NaN" : String(i % 13))
        text += "\(num),\(few),\(cat),\(late),\(gaps)\n"
      }
      return text
    }
    for (n, m) in [(300, 400), (1500, 2500)] {
      let reference = try file(rows(n, shift: 0, lateText: false))
      let current = try file(rows(m, shift: 0.1, lateText: true))
      let columns = ["num", "few", "cat", "late", "gaps"]
      let fromTexts = try Drift.analyze(
        reference: try SampleInput(file: reference).values, current: try SampleInput(file: current).values, columns: columns, test: nil)
      let (ref, cur) = try ColumnarSample.pair(reference: reference, current: current)
      let fromColumns = try Drift.analyze(reference: ref.data, current: cur.data, columns: columns, test: nil)
      for (x, y) in zip(fromTexts.columns, fromColumns.columns) {
        let a = try JSONValue(encoding: x)
        let b = try JSONValue(encoding: y)
        #expect(a == b, "\(n) vs \(m) rows: \(a.canonicalString(pretty: false)) vs \(b.canonicalString(pretty: false))")
      }
      #expect(fromTexts.driftedColumns == fromColumns.driftedColumns)
      #expect(fromTexts.datasetDrifted == fromColumns.datasetDrifted)
    }
  }

  @Test func quotesLineEndsAndBlankLinesReadAsTheCSVReaderReadsThem() throws {
    let text = "a,b,c\r\n1,x,\r\n\r\n\"2\",\"y, z\",\"q\"\"\"\n3,\"multi\nline\",7\n\n4,w,8"
    let path = try file(text)
    let columnar = try ColumnarSample(file: path)
    let texts = try SampleInput(file: path)
    #expect(columnar.rows == 4)
    for name in ["a", "b", "c"] {
      let ours = try #require(columnar.data[name])
      let theirs = Drift.Column(texts: texts.values[name]!)
      #expect(ours.names == theirs.names, "\(name)")
      #expect(ours.codes == theirs.codes, "\(name)")
      #expect(ours.numbers == theirs.numbers, "\(name)")
      #expect(ours.count == theirs.count && ours.present == theirs.present, "\(name)")
    }
    let ragged = try file("a,b\n1,2\n3\n")
    #expect(throws: InputError(file: ragged, line: 3, "1 fields, but the header has 2")) { try ColumnarSample(file: ragged) }
  }
}
