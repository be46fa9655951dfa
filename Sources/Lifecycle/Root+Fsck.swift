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
      report = try Fsck.check(root: one.folder, repair: repair, excluding: [one.folder + "/" + FilesArea.folderName])
    } else {
      workspaces = try workspaceNames().map { Workspace(root: self, name: $0) }
      // The files areas hold the team's own files, not stored records.
      report = try Fsck.check(root: path, repair: repair, excluding: Set(workspaces.map { $0.folder + "/" + FilesArea.folderName }))
    }
    for workspace in workspaces {
      try workspace.checkDatasetFolders(repair: repair, into: &report)
      try workspace.checkLabelImports(repair: repair, into: &report)
      try workspace.checkJournal(folders: report.recordFolders, repair: repair, into: &report)
      workspace.checkRunIndex(repair: repair, into: &report)
      try workspace.checkMetricLogs(into: &report)
    }
    return report
  }
}

extension Workspace {
  /// A dataset folder with no version (a crash or a full disk during a first import) and items
  /// files that no version names (the same during a later import) hold nothing acknowledged.
  fileprivate func checkDatasetFolders(repair: Bool, into report: inout FsckReport) throws {
    let datasets = folder + "/datasets"
    guard FileIO.isDirectory(datasets) else { return }
    for id in try FileIO.list(datasets).sorted() where Name.problem(with: id) == nil {
      let datasetFolder = datasets + "/" + id
      // A folder that an import is writing is not cut short.
      guard FileIO.isDirectory(datasetFolder), !WorkInProgress.isMarked(in: datasetFolder, "import") else { continue }
      let latest = try documents.latestVersion(of: Dataset.path(id))
      if latest == 0 {
        var finding = FsckFinding(
          severity: .repairable, file: datasetFolder, problem: "dataset folder with no version (an import that a crash or a full disk cut short)")
        if repair {
          try FileManager.default.removeItem(atPath: datasetFolder)
          finding.repaired = "removed the folder"
        }
        report.findings.append(finding)
        continue
      }
      let versions = try documents.history(Dataset.path(id))
      let named = Set(try versions.map { "sha256-" + (try $0.body(as: Dataset.self)).items.dropFirst("sha256:".count) + ".ndjson" })
      let items = datasetFolder + "/items"
      for file in (try? FileIO.list(items)) ?? [] where file.hasPrefix("sha256-") && !named.contains(file) {
        var finding = FsckFinding(
          severity: .repairable, file: items + "/" + file, problem: "items file that no version names (an import that a crash cut short)")
        if repair {
          try FileManager.default.removeItem(atPath: items + "/" + file)
          finding.repaired = "removed"
        }
        report.findings.append(finding)
      }
    }
  }

  /// Label events of an import whose record was never published: hidden from every reader.
  /// Re-running the same import completes it; `repair` removes them.
  fileprivate func checkLabelImports(repair: Bool, into report: inout FsckReport) throws {
    let labels = folder + "/labels"
    guard FileIO.isDirectory(labels) else { return }
    for dataset in try FileIO.list(labels).sorted() where Name.problem(with: dataset) == nil && FileIO.isDirectory(labels + "/" + dataset) {
      let completed = try completedImports(dataset)
      for file in try FileIO.list(labels + "/" + dataset).sorted() where file.hasSuffix(".jsonl") {
        let log = labelLog(dataset, annotator: String(file.dropLast(".jsonl".count)))
        guard let events = try? log.read().events else { continue }  // reported as damage already
        var orphans: [String: Int] = [:]
        var malformed = 0
        for event in events {
          guard let value = event.body["import"] else { continue }
          guard let id = value.stringValue, LabelImportRecord.isID(Array(id.utf8)) else {
            malformed += 1
            continue
          }
          if !completed.contains(id) { orphans[id, default: 0] += 1 }
        }
        if malformed > 0 {
          report.findings.append(
            FsckFinding(
              severity: .corrupt, file: log.path,
              problem: "\(malformed) label(s) whose import id is not an id (i and 20 hex digits): a hand edit; restore the file"))
          continue
        }
        // An import still running is not cut short.
        for id in orphans.keys where WorkInProgress.isMarked(in: labels + "/" + dataset, "import-" + id) { orphans[id] = nil }
        guard !orphans.isEmpty else { continue }
        let total = orphans.values.reduce(0, +)
        var finding = FsckFinding(
          severity: .repairable, file: log.path,
          problem: "\(total) label(s) of import \(orphans.keys.sorted().joined(separator: ", ")) that never completed (hidden from every "
            + "reader; re-run the same import to complete it, or repair to remove them)")
        if repair {
          let removed = try log.removeEvents { event in event.body["import"]?.stringValue.map { orphans[$0] != nil } ?? false }
          finding.repaired = "removed \(removed) label(s)"
        }
        report.findings.append(finding)
      }
    }
  }

  /// Each run's metric log read as `run show` and `run history` read it: a line that is an
  /// event but not a point (a negative step written by hand, say) is damage the store's own
  /// check cannot see.
  fileprivate func checkMetricLogs(into report: inout FsckReport) throws {
    for id in try runIDs() {
      let log = metricLog(id)
      guard FileIO.exists(log.path) else { continue }
      do { _ = try MetricLogScanner.figures(log) } catch let error as StoreError {
        guard case .corrupt(let file, let reason) = error else { throw error }
        let finding = FsckFinding(severity: .corrupt, file: file, problem: reason, repaired: nil)
        if !report.findings.contains(where: { $0.file == file && $0.severity == .corrupt }) { report.findings.append(finding) }
      }
    }
  }

  /// The run index is derived data (see `RunIndex`), never corrupt, but every entry that a
  /// reader would trust must match the records: one that does not (a version file edited in
  /// place keeps its folder's identity) is a finding, and `repair` derives it again. An index out
  /// of date, damaged or absent is only a note: the next `run list` refreshes it, as `repair`
  /// does now.
  fileprivate func checkRunIndex(repair: Bool, into report: inout FsckReport) {
    let path = RunIndex.path(in: self)
    var index = RunIndex()
    if let loaded = RunIndex.load(path) {
      index = loaded
    } else if FileIO.exists(path) {
      report.notes.append("\(path) cannot be used (damaged, or written by another version of mlw); the next run list rebuilds it")
      if !repair { return }
    } else if !repair {
      return
    }
    let refresh: RunIndex.Refresh
    do { refresh = try index.refresh(self, verify: true) } catch {
      // A run record that cannot be read is reported where it lies.
      report.notes.append("the run index was not checked: \((error as? any CategorizedError)?.message ?? "\(error)")")
      return
    }
    let saved = repair && refresh.derived > 0 && index.save(path)
    if !refresh.mismatched.isEmpty {
      let shown = refresh.mismatched.prefix(5).joined(separator: ", ") + (refresh.mismatched.count > 5 ? ", …" : "")
      report.findings.append(
        FsckFinding(
          severity: .repairable, file: path,
          problem: "the run index lists run(s) \(shown) otherwise than their records say (a version file changed in place?)",
          repaired: saved ? "derived those entries again from the records" : nil))
    } else if refresh.derived > 0 {
      report.notes.append(
        saved
          ? "the run index was brought up to date with the records"
          : "the run index is out of date for some runs (changed since it was written); the next run list refreshes it")
    }
  }

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
      problem:
        "lacks \(missing.count) published version(s), first \(missing[0].path) v\(missing[0].envelope.version) (a crash between publish and journal)")
    if repair {
      try journal.append(batch: missing.map(Workspace.journalDraft(for:)))
      finding.repaired = "added \(missing.count) line(s)"
    }
    report.findings.append(finding)
  }
}
