import Foundation
import Testing

@testable import VersionedStore

private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

@Suite struct FsckTests {
  let root = makeTemporaryFolder()
  var store: DocumentStore { DocumentStore(root: root) }
  let path = RecordPath(trusted: ["runs", "r1"])

  func publish(_ n: Int) throws {
    let draft = DocumentDraft(
      kind: "run", schemaVersion: 1, author: "eve", role: "engineer", time: t0, message: "m\(n)", body: .object(["n": .int(n)]))
    try store.publish(path, draft, expecting: n - 1)
  }

  @Test func aHealthyTreeHasNoFindings() throws {
    for n in 1...3 { try publish(n) }
    let log = EventLog(path: root + "/labels/d/a.jsonl", kind: "labels", schemaVersion: 1)
    try log.append(EventDraft(author: "a", role: "annotator", time: t0, body: .null))
    let report = try Fsck.check(root: root, repair: false)
    #expect(report.findings.isEmpty)
    #expect(report.records == 1 && report.versions == 3 && report.logs == 1 && report.events == 1)
  }

  @Test func aChangedOldVersionBreaksTheHashChain() throws {
    for n in 1...3 { try publish(n) }
    let file = store.folder(path) + "/v000001.json"
    try writeText(try readText(file).replacingOccurrences(of: "\"m1\"", with: "\"edited\""), to: file)
    let report = try Fsck.check(root: root, repair: true)
    #expect(report.corrupt.count == 1)
    #expect(report.corrupt[0].file.hasSuffix("v000002.json"))
    #expect(report.corrupt[0].problem.contains("parent hash"))
    #expect(report.corrupt[0].repaired == nil)
    #expect(try readText(file).contains("edited"))  // repair never touches data
  }

  @Test func unparseableVersionsAndGapsAreCorrupt() throws {
    for n in 1...3 { try publish(n) }
    try writeText("garbage", to: store.folder(path) + "/v000003.json")
    try FileManager.default.removeItem(atPath: store.folder(path) + "/v000002.json")
    let report = try Fsck.check(root: root, repair: false)
    let problems = report.corrupt.map(\.problem)
    #expect(problems.contains { $0.contains("not contiguous") })
    #expect(problems.contains { $0.contains("not valid JSON") })
  }

  @Test func repairTruncatesTornTailsAndRemovesDeadWritersTempFiles() throws {
    try publish(1)
    let log = EventLog(path: root + "/labels/d/a.jsonl", kind: "labels", schemaVersion: 1)
    try log.append(EventDraft(author: "a", role: "annotator", time: t0, body: .null))
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: log.path))
    handle.seekToEndOfFile()
    handle.write(Data("{\"seq\":2,".utf8))
    handle.closeFile()
    let deadTemp = store.folder(path) + "/.tmp-999999999-1"
    let liveTemp = store.folder(path) + "/.tmp-\(getpid())-2"
    try writeText("{", to: deadTemp)
    try writeText("{", to: liveTemp)

    let found = try Fsck.check(root: root, repair: false)
    #expect(found.findings.count == 2)
    #expect(found.findings.allSatisfy { $0.severity == .repairable && $0.repaired == nil })
    #expect(FileManager.default.fileExists(atPath: deadTemp))

    let repaired = try Fsck.check(root: root, repair: true)
    #expect(repaired.findings.allSatisfy { $0.repaired != nil })
    #expect(!FileManager.default.fileExists(atPath: deadTemp))
    #expect(FileManager.default.fileExists(atPath: liveTemp))  // its writer (this process) is alive
    #expect(try Fsck.check(root: root, repair: false).findings.isEmpty)
    #expect(try log.read().events.count == 1)
  }
}

@Suite struct ContentAddressedFsckTests {
  @Test func aFileThatNoLongerHashesToItsNameIsCorrupt() throws {
    let root = makeTemporaryFolder()
    let bytes = Array("{\"id\":\"a\"}\n".utf8)
    let name = "sha256-" + ContentHash.of(bytes).dropFirst("sha256:".count) + ".ndjson"
    try FileIO.makeDirectories(root + "/datasets/d/items")
    let path = root + "/datasets/d/items/" + name
    #expect(try FileIO.publishExclusive(bytes, at: path))
    #expect(try Fsck.check(root: root, repair: false).findings.isEmpty)
    try FileIO.replace(Array("{\"id\":\"b\"}\n".utf8), at: path)
    let findings = try Fsck.check(root: root, repair: true).findings
    #expect(findings.count == 1 && findings[0].severity == .corrupt && findings[0].repaired == nil)
  }
}
