import Foundation
import VersionedStore

extension Root {
  /// Checks the stored files (see `Fsck`) and, for each workspace, that its journal names every
  /// version; `repair` removes crash artifacts and adds the journal lines a crash kept out.
  public func fsck(workspace: String?, repair: Bool) throws -> FsckReport {
    let workspaces: [Workspace]
    var report: FsckReport
    if let workspace {
      let one = try self.workspace(workspace)
      workspaces = [one]
      report = try Fsck.check(root: one.folder, repair: repair)
    } else {
      workspaces = try workspaceNames().map { Workspace(root: self, name: $0) }
      report = try Fsck.check(root: path, repair: repair)
    }
    for workspace in workspaces {
      try workspace.checkJournal(folders: report.recordFolders, repair: repair, into: &report)
    }
    return report
  }
}

extension Workspace {
  fileprivate func checkJournal(folders: [String: Int], repair: Bool, into report: inout FsckReport) throws {
    guard let listed = try? journal.read().events else { return }  // an unreadable journal is reported already
    var seen = Set<String>()
    for event in listed {
      if let path = event.body["path"]?.stringValue, let version = event.body["version"]?.intValue {
        seen.insert("\(path)#\(version)")
      }
    }
    let prefix = folder + "/"
    var missing: [StoredDocument] = []
    for (recordFolder, count) in folders where recordFolder.hasPrefix(prefix) {
      let path = RecordPath(trusted: recordFolder.dropFirst(prefix.count).split(separator: "/").map(String.init))
      for version in 1...max(1, count) where !seen.contains("\(path)#\(version)") {
        if let stored = try? documents.read(path, version: version) { missing.append(stored) }
      }
    }
    guard !missing.isEmpty else { return }
    missing.sort { ($0.envelope.time, $0.path, $0.envelope.version) < ($1.envelope.time, $1.path, $1.envelope.version) }
    var finding = FsckFinding(
      severity: .repairable, file: journal.path,
      problem: "lacks \(missing.count) published version(s), first \(missing[0].path) v\(missing[0].envelope.version) (a crash between publish and journal)")
    if repair {
      try journal.append(batch: missing.map(Workspace.journalDraft(for:)))
      finding.repaired = "added \(missing.count) line(s)"
    }
    report.findings.append(finding)
  }
}
