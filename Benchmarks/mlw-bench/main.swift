// Support for Benchmarks/run.sh.
//
//   mlw-bench make-workspace ROOT RECORDS   a workspace 'bench' with RECORDS synthetic records
//   mlw-bench appends FOLDER SECONDS        events/s: raw fsync, append with fsync each, batches
//   mlw-bench fsync FOLDER SECONDS          the raw fsync rate alone
//   mlw-bench load PORT CONNECTIONS SECONDS TOKENS LINE
//                                           requests/s and latency against a running mlw serve
//   mlw-bench make-annotation ROOT ITEMS ANNOTATORS
//                                           a workspace 'labels' with dataset 'images' of ITEMS items,
//                                           assigned to every annotator (overlap = ANNOTATORS), all
//                                           labelled but the last 100 of each queue
//
// Records are published through the same store code as the CLI (so the journal and the folder
// layout are real): training runs with 20 params and 10 metrics each, as `mlw engineer run` writes them.

import Foundation
import Lifecycle
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

func fail(_ text: String) -> Never {
  FileHandle.standardError.write(Data((text + "\n").utf8))
  exit(2)
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
  fail("usage: mlw-bench make-workspace ROOT RECORDS | appends FOLDER SECONDS | fsync FOLDER SECONDS | make-annotation ROOT ITEMS ANNOTATORS")
}

switch arguments[1] {
case "make-workspace":
  guard let count = Int(arguments[3]), count > 0 else { fail("RECORDS must be a positive number") }
  let root = Root(path: arguments[2])
  let now = Date()
  let (workspace, _) = try root.createWorkspace(name: "bench", title: "Benchmark workspace", lead: "ana", now: now)
  let lead = Actor(name: "ana", role: .lead)
  for (person, role) in [("sam", Role.sme), ("mia", .manager), ("ann", .annotator), ("eve", .engineer)] {
    _ = try workspace.addMember(person, roles: [role], actor: lead, now: now, ifVersion: nil)
  }
  let digits = String(count).count
  let engineer = Actor(name: "eve", role: .engineer)
  var state: UInt64 = 42
  func random() -> Double {  // a fixed LCG: the same workspace every time
    state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    return Double(state >> 11) / Double(1 << 53)
  }
  let optimizers = ["adam", "sgd", "adamw", "rmsprop"]
  for index in 1...count {
    let id = String(index)
    let name = "run-" + String(repeating: "0", count: digits - id.count) + id
    var params: [String: JSONValue] = [
      "lr": .double([0.001, 0.0003, 0.01, 0.003][index % 4]), "optimizer": .string(optimizers[index % 3]), "epochs": .int(10 + index % 40),
      "model": .string(["resnet18", "resnet50", "vit-b16"][index % 3]), "augment": .bool(index % 2 == 0),
    ]
    for k in params.count..<20 { params["p\(k)"] = .double((random() * 1000).rounded() / 1000) }
    let run = Run(
      status: .finished, started: now, ended: now, dataset: nil, labels: nil, splits: nil,
      code: Run.Code(commit: String(format: "%016llx", UInt64(index) &* 0x9E37_79B9_7F4A_7C15), dirty: false, diff: nil), params: params,
      tags: ["stage": index % 10 == 0 ? "debug" : "main"], parent: nil)
    try workspace.publish(Run.path(name), run, actor: engineer, message: "start run \(name)", expecting: 0, now: now)
    let metrics = [
      "dev.f1", "dev.accuracy", "dev.loss", "train.loss", "train.accuracy", "test.f1", "dev.precision", "dev.recall", "latency_ms", "auc",
    ]
    let drafts = try metrics.map { metric -> EventDraft in
      let parts = metric.split(separator: ".").map(String.init)
      let point = MetricPoint(metric: parts.last!, value: MetricValue(random()), step: 1, split: parts.count > 1 ? parts[0] : nil)
      return EventDraft(author: "eve", role: "engineer", time: now, body: try JSONValue(encoding: point))
    }
    _ = try workspace.metricLog(name).append(batch: drafts)
  }
  print("made workspace 'bench' with \(count) records under \(root.path)")

case "load":
  guard arguments.count >= 7, let port = Int(arguments[2]), let connections = Int(arguments[3]), let seconds = Double(arguments[4]) else {
    fail("usage: mlw-bench load PORT CONNECTIONS SECONDS TOKEN[,TOKEN…] LINE")
  }
  runLoad(port: port, connections: connections, seconds: seconds, tokens: arguments[5].split(separator: ",").map(String.init), line: arguments[6])

case "make-annotation":
  guard arguments.count >= 5, let items = Int(arguments[3]), items > 100, let annotators = Int(arguments[4]), annotators >= 2 else {
    fail("ITEMS must be above 100 and ANNOTATORS at least 2")
  }
  let root = Root(path: arguments[2])
  let now = Date()
  let (workspace, _) = try root.createWorkspace(name: "labels", title: "Annotation benchmark", lead: "ana", now: now)
  let lead = Actor(name: "ana", role: .lead)
  let manager = Actor(name: "mia", role: .manager)
  _ = try workspace.addMember("mia", roles: [.manager], actor: lead, now: now, ifVersion: nil)
  let names = (1...annotators).map { String(format: "ann%02d", $0) }
  for name in names { _ = try workspace.addMember(name, roles: [.annotator], actor: lead, now: now, ifVersion: nil) }
  let categories = ["ok", "bridge", "void", "tombstone"]
  try workspace.setLabelSchema(
    LabelSchema(task: .singleLabel, labels: categories.map { .init(name: $0, definition: "defect class \($0)") }, level: .nominal),
    actor: manager, message: nil, ifVersion: nil, now: now)
  _ = try workspace.updateGuidelines(actor: manager, message: "first version", ifVersion: nil, now: now) { $0.summary = "one label per joint" }
  for name in names { try workspace.acknowledgeGuidelines(version: 1, actor: Actor(name: name, role: .annotator), now: now) }
  let list = (0..<items).map {
    Item(id: String(format: "img-%07d", $0), payload: .object(["board": .int($0 / 50), "joint": .int($0 % 50)]), uri: nil)
  }
  _ = try workspace.importDataset(
    "images", items: list, source: "synthetic", allowChanges: false, actor: manager, message: nil, ifVersion: nil, now: now)
  let result = try workspace.assign(
    "images", overlap: annotators, annotators: names, goldRate: 0, batchSize: 1000, seed: 1, actor: manager, message: nil, ifVersion: nil, now: now)
  var generator = SystemRandomNumberGenerator()
  var total = 0
  for name in names {
    let queue = try Queue(path: workspace.queuePath("images", result.assignment, annotator: name), lineWidth: result.assignment.lineWidth)
    let entries = try queue.all()
    queue.close()
    let log = workspace.labelLog("images", annotator: name)
    var batch: [EventDraft] = []
    for (position, entry) in entries.enumerated().dropLast(100) {
      let n = Int(entry.item.dropFirst(4))!
      let truth = (n &* 2_654_435_761) % categories.count
      let label = Int.random(in: 0..<100, using: &generator) < 15 ? Int.random(in: 0..<categories.count, using: &generator) : truth
      let body: JSONValue = .object([
        "item": .string(entry.item), "label": .string(categories[label]), "guidelines": .int(1), "assignment": .int(result.version),
        "next": .int(position + 1),
      ])
      batch.append(EventDraft(author: name, role: "annotator", time: now.addingTimeInterval(Double(position) * 4), body: body))
      if batch.count == 20_000 {
        try log.append(batch: batch)
        batch.removeAll(keepingCapacity: true)
      }
      total += 1
    }
    try log.append(batch: batch)
  }
  print("made workspace 'labels': \(items) items, \(annotators) annotators, \(total) labels under \(root.path)")

case "appends", "fsync":
  guard let seconds = Double(arguments[3]), seconds > 0 else { fail("SECONDS must be a positive number") }
  let folder = arguments[2]
  try FileIO.makeDirectories(folder)
  let rawOnly = arguments[1] == "fsync"

  func rate(_ label: String, _ body: () throws -> Int) rethrows -> Double {
    let start = Date()
    var events = 0
    while Date().timeIntervalSince(start) < seconds { events += try body() }
    let perSecond = Double(events) / Date().timeIntervalSince(start)
    return perSecond
  }

  // The physical limit: one small write and one fsync, as fast as the disk allows.
  let rawPath = folder + "/raw-fsync.bin"
  let fd = open(rawPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND, 0o644)
  guard fd >= 0 else { fail("cannot open \(rawPath)") }
  let line = [UInt8](repeating: 0x61, count: 150) + [0x0A]
  let raw = rate("raw") {
    _ = line.withUnsafeBytes { write(fd, $0.baseAddress!, line.count) }
    fsync(fd)
    return 1
  }
  close(fd)
  if rawOnly {
    print(String(format: "raw write+fsync:                %10.0f /s  (the disk's limit for one durable write at a time)", raw))
    exit(0)
  }

  let event = EventDraft(
    author: "ann", role: "annotator", time: Date(), body: .object(["item": .string("item-000123"), "label": .string("bridge")]))
  let single = EventLog(path: folder + "/single.jsonl", kind: "bench-events", schemaVersion: 1)
  let singleRate = try rate("single") {
    try single.append(event)
    return 1
  }
  let batched = EventLog(path: folder + "/batch.jsonl", kind: "bench-events", schemaVersion: 1)
  let batch = Array(repeating: event, count: 100)
  let batchRate = try rate("batch") { try batched.append(batch: batch).count }
  print(String(format: "raw write+fsync:                %10.0f /s  (the disk's limit for one durable write at a time)", raw))
  print(String(format: "append, one fsync per event:    %10.0f events/s  (%.2f x raw fsync)", singleRate, singleRate / raw))
  print(String(format: "append, batches of 100:         %10.0f events/s  (%.1f x raw fsync)", batchRate, batchRate / raw))

default:
  fail("unknown mode \(arguments[1])")
}
