import Foundation
import Testing
import VersionedStore

@testable import Lifecycle

private func temporaryRoot() -> Root {
  var template = Array((NSTemporaryDirectory() + "/mlw-life-XXXXXX").utf8CString)
  return Root(path: template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) })
}

private let now = Date(timeIntervalSince1970: 1_795_000_000)

/// The workspace's status (stage parts, last changes, next steps) and the journal fsck repairs.
@Suite struct StatusAndJournalTests {
  let root = temporaryRoot()

  @Test func statusCountsStagePartsAndNamesTheNextStep() throws {
    let workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
    for run in ["r1", "r2"] {
      let draft = DocumentDraft(kind: "run", schemaVersion: 1, author: "ana", role: "engineer", time: now, message: "log \(run)", body: .object([:]))
      try workspace.publish(RecordPath(trusted: ["runs", run]), draft, expecting: 0)
    }
    let status = try workspace.status()
    let training = try #require(status.stages.first { $0.name == "training" })
    #expect(training.parts.first?.count == 2)
    #expect(training.lastChange?.path == "runs/r2")
    #expect(status.stages.first { $0.name == "planning" }?.lastChange == nil)
    #expect(status.recent.map(\.path) == ["runs/r2", "runs/r1", "workspace"])
    #expect(status.next.contains { $0.contains("nobody holds the sme role") })
    #expect(status.next.last?.hasPrefix("planning:") == true)
  }

  @Test func fsckAddsJournalLinesACrashKeptOut() throws {
    let workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
    // A publish that went through the store but never reached the journal, as after a crash.
    let draft = DocumentDraft(kind: "run", schemaVersion: 1, author: "eve", role: "engineer", time: now, message: "lost line", body: .null)
    try workspace.documents.publish(RecordPath(trusted: ["runs", "r1"]), draft, expecting: 0)
    let found = try root.fsck(workspace: "demo", repair: false)
    #expect(found.findings.count == 1 && found.findings[0].problem.contains("lacks 1 published version"))
    #expect(try workspace.changes(limit: 10).count == 1)
    let repaired = try root.fsck(workspace: "demo", repair: true)
    #expect(repaired.findings.first?.repaired == "added 1 line(s)")
    #expect(try workspace.changes(limit: 10).first?.message == "lost line")
    #expect(try root.fsck(workspace: nil, repair: false).findings.isEmpty)
  }
}
