import Foundation
import Testing

@testable import VersionedStore

@Suite struct JSONValueTests {
  @Test func canonicalFormSortsKeysIndentsTwoSpacesAndEndsWithNewline() {
    let value: JSONValue = .object([
      "b": .array([.int(1), .double(0.5), .null]), "a": .string("x/y \"q\" é\n"), "c": .object([:]), "d": .array([]),
    ])
    let expected = """
      {
        "a": "x/y \\"q\\" é\\n",
        "b": [
          1,
          0.5,
          null
        ],
        "c": {},
        "d": []
      }

      """
    #expect(value.canonicalString(pretty: true) == expected)
    #expect(value.canonicalString(pretty: false) == #"{"a":"x/y \"q\" é\n","b":[1,0.5,null],"c":{},"d":[]}"#)
  }

  @Test func parseRoundTripsTheCanonicalForm() throws {
    let text = #"{"z": [1, -2.5e-3, true, false, null], "a": {"k": "\u00e9\ud83d\ude00\t"}}"#
    let value = try JSONValue.parse(text)
    #expect(value["a"]?["k"]?.stringValue == "é😀\t")
    #expect(value["z"]?.arrayValue?[1] == .double(-0.0025))
    #expect(value["z"]?.arrayValue?[0] == .int(1))
    #expect(try JSONValue.parse(value.canonicalString(pretty: true)) == value)
    #expect(try JSONValue.parse(value.canonicalString(pretty: false)) == value)
  }

  @Test(arguments: [
    "", "{", "[1,]", "{\"a\":1,}", "01", "1.", "-", "NaN", "Infinity", "\"\\ud800\"", "\"a\u{01}\"",
    "{\"a\":1}{", "{\"a\":1,\"a\":2}", "tru", "\"\\x\"", "1e999",
  ])
  func parseRejectsMalformedText(_ text: String) {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(text) }
  }

  @Test func parseRejectsInvalidUTF8AndExcessiveNesting() {
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse([0x22, 0xFF, 0xFE, 0x22]) }
    let deep = String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)
    #expect(throws: JSONSyntaxError.self) { try JSONValue.parse(deep) }
    let fine = String(repeating: "[", count: 200) + String(repeating: "]", count: 200)
    #expect((try? JSONValue.parse(fine)) != nil)
  }

  @Test func syntaxErrorsNameLineAndColumn() {
    do {
      _ = try JSONValue.parse("{\n  \"a\": 1,\n  \"b\": ?\n}")
      Issue.record("expected an error")
    } catch {
      #expect(error.line == 3)
      #expect(error.column == 8)
    }
  }

  @Test func largeIntegersStayExactAndHugeOnesBecomeDoubles() throws {
    #expect(try JSONValue.parse("9007199254740993") == .int(9_007_199_254_740_993))
    #expect(try JSONValue.parse("123456789012345678901234567890") == .double(1.2345678901234568e29))
  }

  @Test func codableBridgeKeepsDatesAsUTCSeconds() throws {
    struct Sample: Codable, Equatable {
      var when: Date
      var count: Int
    }
    let sample = Sample(when: Date(timeIntervalSince1970: 1_795_000_000), count: 3)
    let json = try JSONValue(encoding: sample)
    #expect(json["when"] == .string("2026-11-18T11:06:40Z"))
    #expect(try json.decode(as: Sample.self) == sample)
  }

  @Test func diffListsLeafChangesWithPaths() throws {
    let old = try JSONValue.parse(#"{"a": 1, "b": {"c": [1, 2]}, "gone": true, "odd key": 1}"#)
    let new = try JSONValue.parse(#"{"a": 1.0, "b": {"c": [1, 3, 4]}, "added": "x", "odd key": 2}"#)
    let changes = JSONValue.changes(from: old, to: new)
    #expect(changes.map(\.path) == ["added", "b.c[1]", "b.c[2]", "gone", "[\"odd key\"]"])
    #expect(changes[0].old == nil && changes[0].new == .string("x"))
    #expect(changes[1].old == .int(2) && changes[1].new == .int(3))
    #expect(changes[3].new == nil)
  }
}
