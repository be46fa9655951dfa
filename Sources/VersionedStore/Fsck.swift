/// One problem fsck found.
public struct FsckFinding: Sendable, Equatable, Encodable {
  public enum Severity: String, Sendable, Encodable {
    /// A crash artifact that holds no acknowledged data: a torn log tail, a stray temp file.
    /// `--repair` removes it.
    case repairable
    /// Damage: a file that does not parse, a gap in the versions, a broken hash chain. Never
    /// touched by `--repair`; restore the file from git or a backup.
    case corrupt
  }

  public var severity: Severity
  public var file: String
  public var problem: String
  /// What `--repair` did about it, when it did something.
  public var repaired: String?

  public init(severity: Severity, file: String, problem: String, repaired: String? = nil) {
    self.severity = severity
    self.file = file
    self.problem = problem
    self.repaired = repaired
  }
}

/// What fsck looked at and found.
public struct FsckReport: Sendable, Encodable {
  public var records = 0
  public var versions = 0
  public var logs = 0
  public var events = 0
  public var findings: [FsckFinding] = []
  /// What a check has to say that is no problem (a derived index out of date, say): shown, not
  /// counted against the result.
  public var notes: [String] = []
  /// Every record folder seen and its number of versions, for checks a layer above adds.
  public var recordFolders: [String: Int] = [:]

  public init() {}

  enum CodingKeys: String, CodingKey { case records, versions, logs, events, findings, notes }

  public var corrupt: [FsckFinding] { findings.filter { $0.severity == .corrupt } }
  public var unrepaired: [FsckFinding] { findings.filter { $0.repaired == nil } }
}

/// Checks a folder tree of versioned documents and logs, and repairs crash artifacts.
///
/// Checked: every version file parses as an envelope; its number matches its name; numbers are
/// contiguous from 1; each `parent` is the hash of the version before (version 1 has none); the
/// kind does not change between versions; every log line parses, sequence numbers rise; torn log
/// tails and stray temp files are reported. `repair` truncates torn tails and deletes temp files
/// whose writer process is gone; it never touches a file that holds data.
public enum Fsck {
  /// Checks everything under `root` (a workspace folder or the whole root).
  /// Folders in `excluding` (absolute, as under `root`) are not stored files and are skipped.
  public static func check(root: String, repair: Bool, excluding: Set<String> = []) throws(StoreError) -> FsckReport {
    var report = FsckReport()
    try walk(root, root: root, repair: repair, excluding: excluding, into: &report)
    return report
  }

  private static func walk(
    _ folder: String, root: String, repair: Bool, excluding: Set<String>, into report: inout FsckReport
  ) throws(StoreError) {
    let names = try FileIO.list(folder).sorted()
    var versions: [Int] = []
    for name in names {
      let path = folder + "/" + name
      if let n = DocumentStore.version(ofFileName: name) {
        versions.append(n)
      } else if name.hasPrefix(FileIO.tempPrefix) {
        checkTemp(path, name: name, repair: repair, into: &report)
      } else if name.hasPrefix("sha256-"), !FileIO.isDirectory(path) {
        checkContentAddressed(path, name: name, into: &report)
      } else if name.hasSuffix(".jsonl") {
        checkLog(path, repair: repair, into: &report)
      } else if FileIO.isDirectory(path), !name.hasPrefix(".git"), !excluding.contains(path) {
        try walk(path, root: root, repair: repair, excluding: excluding, into: &report)
      }
    }
    if !versions.isEmpty { checkVersions(folder, versions.sorted(), into: &report) }
  }

  private static func checkTemp(_ path: String, name: String, repair: Bool, into report: inout FsckReport) {
    let pid = name.dropFirst(FileIO.tempPrefix.count).split(separator: "-").first.flatMap { Int32($0) }
    if let pid, FileIO.processIsAlive(pid) { return }  // a publish in progress
    var finding = FsckFinding(severity: .repairable, file: path, problem: "stray temp file of an interrupted publish")
    if repair, unlinkFile(path) { finding.repaired = "removed" }
    report.findings.append(finding)
  }

  private static func checkLog(_ path: String, repair: Bool, into report: inout FsckReport) {
    report.logs += 1
    // The kind is whatever the header says; fsck checks shape, not meaning.
    let kind: String
    do {
      let bytes = try FileIO.read(path)
      let firstLine = bytes.prefix { $0 != 0x0A }
      kind = (try? JSONValue.parse(firstLine))?["kind"]?.stringValue ?? ""
      if bytes.isEmpty { return }
    } catch {
      report.findings.append(FsckFinding(severity: .corrupt, file: path, problem: error.message))
      return
    }
    let log = EventLog(path: path, kind: kind, schemaVersion: Int.max)
    do {
      let contents = try log.read()
      report.events += contents.events.count
      if contents.tornBytes > 0 {
        var finding = FsckFinding(
          severity: .repairable, file: path,
          problem: "torn last line (\(contents.tornBytes) bytes of an append that a crash cut short)")
        if repair, (try? log.repairTornTail()) != nil { finding.repaired = "truncated \(contents.tornBytes) bytes" }
        report.findings.append(finding)
      }
    } catch {
      report.findings.append(FsckFinding(severity: .corrupt, file: path, problem: problem(of: error)))
    }
  }

  /// A file named by the SHA-256 of its bytes (`sha256-<hex>.ndjson`, a dataset's items) must
  /// still hash to its name: anything else means it was changed after it was written.
  private static func checkContentAddressed(_ path: String, name: String, into report: inout FsckReport) {
    let expected = "sha256:" + name.dropFirst("sha256-".count).prefix { $0 != "." }
    guard let bytes = try? FileIO.read(path) else {
      report.findings.append(FsckFinding(severity: .corrupt, file: path, problem: "unreadable"))
      return
    }
    if ContentHash.of(bytes) != expected {
      report.findings.append(
        FsckFinding(severity: .corrupt, file: path, problem: "its content no longer hashes to its name (it was changed after it was written)"))
    }
  }

  private static func checkVersions(_ folder: String, _ numbers: [Int], into report: inout FsckReport) {
    report.records += 1
    report.versions += numbers.count
    report.recordFolders[folder] = numbers.count
    for (expected, n) in zip(1..., numbers) where expected != n {
      report.findings.append(
        FsckFinding(
          severity: .corrupt, file: folder + "/" + DocumentStore.fileName(version: expected),
          problem: "missing: versions are not contiguous (next present is \(n))"))
      break
    }
    var previousHash: String?
    var previousNumber = 0
    var kind: String?
    for n in numbers {
      let file = folder + "/" + DocumentStore.fileName(version: n)
      do {
        let bytes = try FileIO.read(file)
        let json: JSONValue
        do { json = try JSONValue.parse(bytes) } catch { throw StoreError.corrupt(file: file, reason: "not valid JSON (\(error))") }
        let envelope = try Envelope(json: json, file: file)
        if envelope.version != n {
          report.findings.append(
            FsckFinding(severity: .corrupt, file: file, problem: "says version \(envelope.version) but is named \(n)"))
        }
        if n == 1, envelope.parent != nil {
          report.findings.append(FsckFinding(severity: .corrupt, file: file, problem: "version 1 names a parent"))
        }
        if n > 1, previousNumber == n - 1, let previousHash, envelope.parent != previousHash {
          report.findings.append(
            FsckFinding(
              severity: .corrupt, file: file,
              problem: "parent hash does not match version \(n - 1) (it was changed after publishing)"))
        }
        if let kind, kind != envelope.kind {
          report.findings.append(
            FsckFinding(severity: .corrupt, file: file, problem: "kind changed from \(kind) to \(envelope.kind)"))
        }
        kind = envelope.kind
        previousHash = ContentHash.of(bytes)
      } catch {
        report.findings.append(FsckFinding(severity: .corrupt, file: file, problem: problem(of: error)))
        previousHash = nil
      }
      previousNumber = n
    }
  }

  private static func problem(of error: any Error) -> String {
    if case StoreError.corrupt(_, let reason) = error { return reason }
    return (error as? StoreError)?.message ?? "\(error)"
  }

  private static func unlinkFile(_ path: String) -> Bool {
    guard FileIO.removeFile(path) else { return false }
    try? FileIO.syncDirectory(FileIO.parentPath(path))
    return true
  }
}
