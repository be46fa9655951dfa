import Foundation
import Testing
import VersionedStore

@testable import Lifecycle

/// The run index gives `run list` what a full read of the records gives, whatever happened to
/// the records or to the index file since it was written.
@Suite struct RunIndexTests {
  let root: Root
  let workspace: Workspace
  let engineer = Actor(name: "eve", role: .engineer)
  let now = Date(timeIntervalSince1970: 1_795_000_000)

  init() throws {
    var template = Array((NSTemporaryDirectory() + "/mlw-index-XXXXXX").utf8CString)
    root = Root(path: template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) })
    workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
  }

  var indexPath: String { RunIndex.path(in: workspace) }

  /// A run with `params`, `tags` and points `(metric, split, value, step)`.
  func addRun(
    _ id: String, params: [String: JSONValue], tags: [String: String] = [:], points: [(String, String?, Double, Int?)] = [],
    started: Date? = nil
  ) throws {
    let run = Run(
      status: .running, started: started ?? now, dataset: nil, labels: nil, splits: nil, code: Run.Code(commit: "0123abc", dirty: nil, diff: nil),
      params: params, tags: tags, parent: nil)
    try workspace.publish(Run.path(id), run, actor: engineer, message: "start run \(id)", expecting: 0, now: now)
    if !points.isEmpty { try log(id, points) }
  }

  func log(_ id: String, _ points: [(String, String?, Double, Int?)]) throws {
    let inputs = points.map { MetricInput(point: MetricPoint(metric: $0.0, value: MetricValue($0.2), step: $0.3, split: $0.1), time: now) }
    try workspace.logMetrics(id, inputs, actor: engineer, now: now)
  }

  /// A few runs with every kind of value: typed params, a param written by hand as an object,
  /// points without a split, steps, a NaN, an infinite loss, a run without points.
  func addVariedRuns() throws {
    let optimizers = ["adam", "sgd", "adamw"]
    for i in 0..<12 {
      let id = "r\(i < 10 ? "0" : "")\(i)"
      var points: [(String, String?, Double, Int?)] = [
        ("f1", "dev", 0.5 + Double(i) / 40, nil), ("loss", "dev", 1.0 / Double(i + 1), 1), ("loss", "dev", 0.5 / Double(i + 1), 2),
        ("accuracy", "train", 0.6 + Double(i % 4) / 10, nil), ("latency_ms", nil, Double(10 + i), nil),
      ]
      if i == 3 { points.append(("f1", "dev", .nan, nil)) }
      if i == 4 { points.append(("loss", "dev", .infinity, 3)) }
      if i == 5 { points = [] }
      let params: [String: JSONValue] = [
        "lr": [.double(0.001), .double(0.0003), .int(1)][i % 3], "optimizer": .string(optimizers[i % 3]), "epochs": .int(10 + i),
        "augment": .bool(i % 2 == 0),
      ]
      try addRun(
        id, params: params, tags: i % 4 == 0 ? ["stage": "debug"] : ["stage": "main"], points: points,
        started: now.addingTimeInterval(Double(i % 5)))
    }
    // A param no command writes (a hand edit, an import): kept as it is, missing to the filter.
    var odd = try workspace.run("r07")
    odd.run.params["layers"] = .array([.int(64), .int(32)])
    try workspace.publish(Run.path("r07"), odd.run, actor: engineer, message: "edit", expecting: odd.version, now: now)
    _ = try workspace.finishRun("r02", status: .failed, actor: engineer, message: nil, now: now)
    // A folder with no version (a start a crash cut short) is no run.
    try FileManager.default.createDirectory(atPath: workspace.folder + "/runs/r99", withIntermediateDirectories: true)
  }

  static let queries: [(filter: String?, sort: String?, limit: Int?)] = [
    (nil, nil, nil),
    ("metrics.dev.f1 > 0.6 and (params.optimizer = 'adam' or params.lr in (0.001, 1))", nil, nil),
    ("tags.stage != 'debug'", "metrics.dev.f1", 5),
    ("metrics.dev.loss.best < 0.2 or metrics.dev.loss.min is missing", "metrics.dev.loss", nil),
    ("not params.augment = true", "params.lr:desc", nil),
    ("status = 'failed' or metrics.latency_ms >= 15", "id", nil),
    ("metrics.dev.f1.max > 0.7 and metrics.dev.f1.last < 0.9", "metrics.dev.f1.best:asc", 3),
    ("params.layers is missing and params.epochs in (12, 13, 14)", "started", nil),
    ("metrics.train.accuracy.nope is missing and author = 'eve' and code = '0123abc' and dataset is missing", "ended", nil),
    ("params.nothing = 1 or tags.nothing = 'x' or metrics.nothing > 0", nil, nil),
  ]

  /// The listing read from the records, every record and log, without the index.
  func fullRead(_ filter: RunFilter?, _ sort: RunSort?, _ limit: Int?) throws -> RunListing {
    let rows = try workspace.runRows()
    let (matched, chosen) = RunListing.select(
      rows, filter: filter, sort: sort, limit: limit, id: \.id, started: \.started, field: { $0.field($1) })
    return RunListing(matched: matched, total: rows.count, runs: chosen)
  }

  func json(_ listing: RunListing) throws -> String {
    String(decoding: try JSONValue(encoding: listing).canonicalBytes(pretty: true), as: UTF8.self)
  }

  /// Every query lists through the index what the full read lists.
  func expectSameListings(_ context: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    for query in Self.queries {
      let filter = try query.filter.map(RunFilter.parse)
      let sort = try query.sort.map(RunSort.parse)
      let indexed = try json(try workspace.listRuns(filter: filter, sort: sort, limit: query.limit))
      let full = try json(try fullRead(filter, sort, query.limit))
      #expect(indexed == full, "\(context): \(query)", sourceLocation: sourceLocation)
    }
  }

  /// Waits until what was just written is old enough for the index to trust it.
  func settle() { Thread.sleep(forTimeInterval: Double(ReadSet.settling) / 1e9 + 0.1) }

  @Test func theIndexListsWhatTheRecordsSayForEveryFilterAndSort() throws {
    try addVariedRuns()
    try expectSameListings("first list (the index is built)")
    settle()
    try expectSameListings("built, nothing settled yet")
    try expectSameListings("from the index")
    let index = try #require(RunIndex.load(indexPath))
    #expect(index.entries.count == 13 && index.entries.filter { $0.row == nil }.map(\.id) == ["r99"])
    #expect(index.entries.first { $0.id == "r07" }?.row.flatMap(index.decoded)?.version == 2)
    #expect(try workspace.listRuns(filter: nil, sort: nil, limit: nil).total == 12)
  }

  @Test func aWriteAfterTheIndexWasBuiltIsSeen() throws {
    try addVariedRuns()
    _ = try workspace.listRuns(filter: nil, sort: nil, limit: nil)
    settle()
    try expectSameListings("settled")
    // A point, a finish, a new version, a new run, a run removed by hand, each on a settled entry.
    try log("r01", [("f1", "dev", 0.99, nil)])
    try expectSameListings("after a point")
    _ = try workspace.finishRun("r06", status: .finished, actor: engineer, message: nil, now: now.addingTimeInterval(60))
    try expectSameListings("after a finish")
    _ = try workspace.addArtifact("r08", name: "model.pt", bytes: Array("weights".utf8), uri: nil, sha256: nil, actor: engineer, now: now)
    try expectSameListings("after an artifact")
    try addRun("r12", params: ["lr": .double(0.1)], points: [("f1", "dev", 0.97, nil)])
    try expectSameListings("after a start")
    try FileManager.default.removeItem(atPath: workspace.folder + "/runs/r11")
    try expectSameListings("after a run was removed")
    // Evaluations: `RunCommandTests` (RunIndexCommandTests), through the command line.
  }

  @Test func entriesWrittenWithinTheLastSecondAreDerivedAgain() throws {
    try addVariedRuns()
    var index = RunIndex()
    #expect(try index.refresh(workspace).derived > 0)
    // File times move in coarse steps: what changed just now may change again unseen.
    let again = try index.refresh(workspace)
    #expect(again.derived >= 12 && !again.worthSaving)
    settle()
    #expect(try index.refresh(workspace).worthSaving)
    #expect(try index.refresh(workspace).derived == 0)
  }

  @Test func aDamagedOrTruncatedIndexIsRebuiltAndTheListStaysRight() throws {
    try addVariedRuns()
    settle()
    try expectSameListings("built")
    let good = try FileIO.read(indexPath)
    #expect(RunIndex.load(indexPath) != nil)
    let damages: [(String, [UInt8])] = [
      ("a byte changed", good.enumerated().map { $0.offset == good.count / 2 ? $0.element ^ 0x20 : $0.element }),
      ("cut short", Array(good.prefix(good.count / 3))),
      ("only the header", Array(good.prefix { $0 != 0x0A }) + [0x0A]),
      ("empty", []),
      ("another schema version", Array(#"{"kind":"run-index","schemaVersion":99}"#.utf8) + [0x0A] + good.drop { $0 != 0x0A }.dropFirst()),
    ]
    for (what, bytes) in damages {
      try FileIO.replace(bytes, at: indexPath)
      #expect(RunIndex.load(indexPath) == nil, "\(what)")
      try expectSameListings(what)
      #expect(RunIndex.load(indexPath) != nil, "\(what): rebuilt")
    }
    // Intact as a file but not an index: a payload that does not decode.
    #expect(DerivedFile.write(Array(repeating: 0xFF, count: 100), to: indexPath, kind: RunIndex.kind, schemaVersion: RunIndex.schemaVersion))
    #expect(RunIndex.load(indexPath) == nil)
    try expectSameListings("garbage with a good checksum")
  }

  @Test func fsckChecksTheIndexAgainstTheRecordsAndRepairRebuildsIt() throws {
    try addVariedRuns()
    settle()
    _ = try workspace.listRuns(filter: nil, sort: nil, limit: nil)
    var report = try root.fsck(workspace: "demo", repair: false)
    #expect(report.findings.isEmpty && report.notes.isEmpty, "\(report.findings) \(report.notes)")

    // Out of date is no problem: said, not counted.
    try log("r01", [("f1", "dev", 0.99, nil)])
    report = try root.fsck(workspace: "demo", repair: false)
    #expect(report.findings.isEmpty && report.notes.contains { $0.contains("out of date") }, "\(report.notes)")

    // A version file edited in place keeps its folder's identity: the index cannot see it, fsck does.
    settle()
    _ = try workspace.listRuns(filter: nil, sort: nil, limit: nil)
    let file = workspace.folder + "/runs/r03/" + DocumentStore.fileName(version: 1)
    let edited = String(decoding: try FileIO.read(file), as: UTF8.self).replacingOccurrences(of: "\"adam\"", with: "\"lion\"")
    let fd = open(file, O_WRONLY | O_TRUNC)
    try FileIO.writeAll(fd, Array(edited.utf8), path: file)
    close(fd)
    report = try root.fsck(workspace: "demo", repair: false)
    let finding = try #require(report.findings.first { $0.file == indexPath })
    #expect(finding.severity == .repairable && finding.problem.contains("r03") && finding.repaired == nil, "\(finding)")
    report = try root.fsck(workspace: "demo", repair: true)
    #expect(report.findings.first { $0.file == indexPath }?.repaired != nil)
    try expectSameListings("after repair")
    #expect(try workspace.listRuns(filter: RunFilter.parse("params.optimizer = 'lion'"), sort: nil, limit: nil).runs.map(\.id) == ["r03"])

    // A damaged index is a note, not corruption; repair rebuilds it.
    try FileIO.replace(Array("not an index".utf8), at: indexPath)
    report = try root.fsck(workspace: "demo", repair: false)
    #expect(report.findings.isEmpty && report.notes.contains { $0.contains("cannot be used") }, "\(report.findings) \(report.notes)")
    _ = try root.fsck(workspace: "demo", repair: true)
    #expect(RunIndex.load(indexPath) != nil)
  }
}
