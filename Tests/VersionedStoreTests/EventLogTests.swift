import Foundation
import Testing

@testable import VersionedStore

private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

private func event(_ n: Int, key: String = "k") -> EventDraft {
  EventDraft(author: "ann", role: "annotator", time: t0, body: .object(["n": .int(n), "key": .string(key)]))
}

@Suite struct EventLogTests {
  let folder = makeTemporaryFolder()
  var log: EventLog { EventLog(path: folder + "/labels/d1/ann.jsonl", kind: "labels", schemaVersion: 1) }

  @Test func appendsNumberedEventsAfterAHeader() throws {
    #expect(try log.read().events.isEmpty)
    let first = try log.append(event(1))
    let batch = try log.append(batch: [event(2), event(3)])
    #expect(first.seq == 1)
    #expect(batch.map(\.seq) == [2, 3])
    let text = try readText(log.path)
    let lines = text.split(separator: "\n")
    #expect(lines.count == 4)
    #expect(lines[0] == #"{"kind":"labels","schemaVersion":1}"#)
    #expect(lines[1] == #"{"author":"ann","body":{"key":"k","n":1},"role":"annotator","seq":1,"time":"2026-11-18T11:06:40Z"}"#)
    let read = try log.read()
    #expect(read.events.map(\.seq) == [1, 2, 3])
    #expect(read.tornBytes == 0)
  }

  @Test func aTornTailIsSkippedByReadersAndTruncatedByTheNextAppend() throws {
    try log.append(batch: [event(1), event(2)])
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
    handle.seekToEndOfFile()
    handle.write(Data(#"{"author":"ann","body":{"n":3"#.utf8))
    handle.closeFile()
    let torn = try log.read()
    #expect(torn.events.count == 2)
    #expect(torn.tornBytes == 29)
    let next = try log.append(event(4))
    #expect(next.seq == 3)
    let repaired = try log.read()
    #expect(repaired.events.map(\.seq) == [1, 2, 3])
    #expect(repaired.tornBytes == 0)
  }

  @Test func aTornHeaderIsReplaced() throws {
    try FileManager.default.createDirectory(atPath: folder + "/labels/d1", withIntermediateDirectories: true)
    try writeText(#"{"kind":"lab"#, to: log.path)
    #expect(try log.append(event(1)).seq == 1)
    #expect(try log.read().events.count == 1)
  }

  @Test func aCorruptMiddleLineIsAnErrorNamingTheLine() throws {
    try log.append(batch: [event(1), event(2)])
    var text = try readText(log.path)
    text = text.replacingOccurrences(of: #""n":1"#, with: #""n":1,,"#)
    try writeText(text, to: log.path)
    #expect {
      try log.read()
    } throws: { error in
      (error as? StoreError)?.message.contains("line 2 is not JSON") == true
    }
  }

  @Test func aLogOfAnotherKindOrANewerSchemaIsRefused() throws {
    try log.append(event(1))
    let other = EventLog(path: log.path, kind: "metrics", schemaVersion: 1)
    #expect(throws: StoreError.wrongKind(file: log.path, expected: "metrics", found: "labels")) { try other.append(event(2)) }
    let older = EventLog(path: folder + "/x.jsonl", kind: "labels", schemaVersion: 1)
    try writeText(#"{"kind":"labels","schemaVersion":2}"# + "\n", to: older.path)
    #expect(throws: StoreError.newerSchema(file: older.path, kind: "labels", found: 2, schemaVersion: 1)) {
      try older.read()
    }
    #expect(throws: StoreError.self) { try older.append(event(1)) }
  }

  @Test func readTailReturnsTheLastEvents() throws {
    try log.append(batch: (1...500).map { event($0) })
    let (tail, complete) = try log.readTail(maxBytes: 1000)
    #expect(!complete)
    #expect(!tail.isEmpty && tail.last?.seq == 500)
    #expect(tail.map(\.seq) == Array((501 - tail.count)...500))
    let (all, whole) = try log.readTail(maxBytes: 1 << 20)
    #expect(whole && all.count == 500)
  }

  @Test func latestEventPerKeyWins() throws {
    try log.append(batch: [event(1, key: "a"), event(2, key: "b"), event(3, key: "a")])
    let latest = EventLog.latest(try log.read().events) { $0.body["key"]?.stringValue }
    #expect(latest["a"]?.body["n"] == .int(3))
    #expect(latest["b"]?.body["n"] == .int(2))
  }
}

extension StoreError {
  fileprivate static func newerSchema(file: String, kind: String, found: Int, schemaVersion: Int) -> StoreError {
    .newerSchema(file: file, kind: kind, found: found, known: schemaVersion)
  }
}
