import Foundation
import Testing

@testable import VersionedStore

private struct Memo: DocumentBody, Equatable {
  static let kind = "memo"
  static let schemaVersion = 1
  var text: String
}

private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

private func memo(_ text: String) throws -> DocumentDraft {
  try DocumentDraft(Memo(text: text), author: "ana", role: "lead", time: t0, message: text)
}

private func event(_ n: Int) -> EventDraft {
  EventDraft(author: "ann", role: "annotator", time: t0, body: .object(["n": .int(n)]))
}

/// `ReadSet`: what a computation learns from the store, and when its result may be reused.
@Suite struct ReadSetTests {
  /// Runs `work` with a fresh set bound; the set.
  func recording(_ work: () throws -> Void) throws -> ReadSet {
    let reads = ReadSet()
    try ReadSet.$current.withValue(reads) { try work() }
    return reads
  }

  @Test func readsAreRecordedAndChangesAfterThemAreSeen() throws {
    let folder = makeTemporaryFolder()
    let store = DocumentStore(root: folder)
    let path = RecordPath(trusted: ["memos", "m1"])
    try store.publish(path, try memo("one"), expecting: 0)
    try store.publish(path, try memo("two"), expecting: 1)
    let log = EventLog(path: folder + "/logs/a.jsonl", kind: "events", schemaVersion: 1)
    try log.append(batch: [event(1)])
    // Fresh files: their times cannot yet vouch for a later change.
    let fresh = try recording { _ = try? store.read(path) }
    #expect(fresh.settle() == nil && fresh.whyNotReusable?.contains("less than a second ago") == true)
    usleep(1_100_000)

    var found: (text: String, events: Int, children: [String], exists: Bool)?
    let reads = try recording {
      found = (
        try store.read(path).body(as: Memo.self).text, try log.read().events.count,
        try store.children(of: RecordPath(trusted: ["memos"])), FileIO.exists(folder + "/nothing-here")
      )
    }
    #expect(found?.text == "two" && found?.events == 1 && found?.children == ["m1"] && found?.exists == false)
    let seen = try #require(reads.settle())
    let paths = Set(seen.map(\.path))
    let record = store.folder(path)
    // What the answer rests on, not every probe: version 2 there, version 3 not.
    #expect(paths.isSuperset(of: [record + "/v000002.json", record + "/v000003.json", log.path, folder + "/nothing-here"]))
    #expect(!paths.contains(record + "/v000001.json"))
    #expect(seen.allSatisfy { $0.holds })

    // Each kind of change breaks what was seen.
    try store.publish(path, try memo("three"), expecting: 2)
    #expect(seen.first { $0.path == record + "/v000003.json" }?.holds == false)
    try log.append(batch: [event(2)])
    #expect(seen.first { $0.path == log.path }?.holds == false)
    try store.publish(RecordPath(trusted: ["memos", "m2"]), try memo("new"), expecting: 0)
    #expect(seen.first { $0.path == store.folder(RecordPath(trusted: ["memos"])) }?.holds == false)
    #expect(FileManager.default.createFile(atPath: folder + "/nothing-here", contents: Data()))
    #expect(seen.first { $0.path == folder + "/nothing-here" }?.holds == false)
  }

  @Test func writesAndTheClockMakeAResultUnreusable() throws {
    let folder = makeTemporaryFolder()
    let store = DocumentStore(root: folder)
    let log = EventLog(path: folder + "/logs/a.jsonl", kind: "events", schemaVersion: 1)
    let path = RecordPath(trusted: ["memos", "m1"])
    let published = try recording { _ = try? store.publish(path, try memo("one"), expecting: 0) }
    #expect(published.settle() == nil && published.whyNotReusable?.hasPrefix("it writes") == true)
    let appended = try recording { _ = try? log.append(batch: [event(1)]) }
    #expect(appended.settle() == nil)
    let replaced = try recording { try? FileIO.replace([1, 2], at: folder + "/export.txt") }
    #expect(replaced.settle() == nil)
    let timed = try recording { ReadSet.dependsOn("the time") }
    #expect(timed.whyNotReusable == "it depends on the time")
    // Nothing bound: nothing recorded, nothing refused.
    #expect(ReadSet.current == nil)
    _ = try store.read(path)
  }

  @Test func aVersionPublishedBeforeTheResultIsKeptIsSeen() throws {
    let folder = makeTemporaryFolder()
    let store = DocumentStore(root: folder)
    let path = RecordPath(trusted: ["memos", "m1"])
    try store.publish(path, try memo("one"), expecting: 0)
    usleep(1_100_000)
    var latest = 0
    let reads = try recording { latest = try store.latestVersion(of: path) }
    #expect(latest == 1)
    // Published by someone else after the read and before the result is kept.
    try store.publish(path, try memo("two"), expecting: 1)
    #expect(reads.settle() == nil)
    #expect(reads.whyNotReusable?.contains("v000002.json changed") == true)
  }
}
