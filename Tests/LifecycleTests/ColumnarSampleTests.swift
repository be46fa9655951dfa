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

/// The byte-range record reader must give every field `forEachRow` gives, on every form a file
/// can take: quotes, quoted commas and newlines, CRLF, blank lines, a header of two lines, a
/// BOM, JSON Lines with nulls and numbers.
@Suite struct RecordFieldsTests {
  private func file(_ text: String, extension ext: String) throws -> String {
    let path = NSTemporaryDirectory() + "records-\(UUID().uuidString).\(ext)"
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  private func bothReadings(_ path: String, columns: [String]) throws -> (rows: [[String]], records: [[String]]) {
    let input = try TabularInput(file: path)
    var rows: [[String]] = []
    try input.forEachRow(columns: columns) { line, fields in rows.append(["\(line)"] + fields.map { $0 ?? "" }) }
    var records: [[String]] = []
    try input.forEachRecord(columns: columns) { line, fields in records.append(["\(line)"] + (0..<fields.count).map(fields.string)) }
    return (rows, records)
  }

  @Test func everyFieldAndLineNumberIsWhatTheRowReaderGives() throws {
    var generator = SystemRandomNumberGenerator()
    let pieces = ["a", "", "x y", "1.5", "\"q,1\"", "\"two\nlines\"", "\"say \"\"hi\"\"\"", "é", "-3"]
    for _ in 0..<20 {
      var text = Bool.random(using: &generator) ? "\u{FEFF}" : ""
      text += Bool.random(using: &generator) ? "\"first\nname\",b,c\n" : "first,b,c\n"
      for _ in 0..<Int.random(in: 1...40, using: &generator) {
        let row = (0..<3).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: ",")
        text += row + (Bool.random(using: &generator) ? "\r\n" : "\n")
        if Int.random(in: 0..<8, using: &generator) == 0 { text += "\n" }
      }
      let path = try file(text, extension: "csv")
      let header = try TabularInput(file: path).header
      for columns in [header, [header[2], header[0]], [header[1]]] {
        let (rows, records) = try bothReadings(path, columns: columns)
        #expect(rows == records, "\(text.debugDescription)")
      }
    }
    let jsonl = try file(#"{"item":"i1","n":3,"x":null}"# + "\n\n" + #"{"item":"i\"2","n":1.5,"b":true}"# + "\n", extension: "jsonl")
    let (rows, records) = try bothReadings(jsonl, columns: ["item", "n", "x", "b"])
    #expect(rows == records)
    #expect(records == [["1", "i1", "3", "", ""], ["3", "i\"2", "1.5", "", "true"]])
  }

  @Test func aShortOrLongRecordNamesItsLine() throws {
    let path = try file("a,b\n1,2\n3\n", extension: "csv")
    #expect(throws: InputError(file: path, line: 3, "1 fields, but the header has 2")) {
      try TabularInput(file: path).forEachRecord(columns: ["a"]) { _, _ in }
    }
  }
}

/// Splits and label snapshots are read a million lines at a time: the cut in place must give
/// what the JSON parser gives, escapes, other keys and other orders included.
@Suite struct StoredPairTests {
  @Test func pairsCutInPlaceAreWhatTheParserReads() throws {
    var generator = SystemRandomNumberGenerator()
    let texts = ["a", "", "é ü", "x\"y", "back\\slash", "tab\there", "1", "line\nbreak", "{\"}"]
    var bytes: [UInt8] = []
    var expected: [[String]] = []
    for _ in 0..<300 {
      let item = texts.randomElement(using: &generator)! + String(Int.random(in: 0..<9, using: &generator))
      let label = texts.randomElement(using: &generator)!
      var object: [String: JSONValue] = ["item": .string(item), "label": .string(label)]
      switch Int.random(in: 0..<4, using: &generator) {
      case 0: object["source"] = .string("majority")
      case 1: object["label"] = .int(3)  // not a string: no pair
      case 2: object["aaa"] = .string("first")  // another key sorts first: parsed
      default: break
      }
      bytes += JSONValue.object(object).canonicalBytes(pretty: false)
      bytes.append(0x0A)
      if case .string(let l)? = object["label"] { expected.append([item, l]) }
      if Int.random(in: 0..<10, using: &generator) == 0 { bytes.append(0x0A) }
    }
    var read: [[String]] = []
    try Workspace.forEachPair(bytes, "item", "label") { read.append([$0, $1]) }
    #expect(read == expected)
  }
}
