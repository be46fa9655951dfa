import Foundation
import Statistics
import Testing
import VersionedStore

@testable import Lifecycle

private let now = Date(timeIntervalSince1970: 1_795_000_000)
private let manager = Actor(name: "mia", role: .manager)

/// A workspace with a manager, annotators a1…aN, a three-label schema, guidelines, and a dataset
/// of `items` items i000….
private func annotationWorkspace(annotators: Int = 4, items: Int = 40) throws -> Workspace {
  var template = Array((NSTemporaryDirectory() + "/mlw-ann-XXXXXX").utf8CString)
  let root = Root(path: template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) })
  let workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
  let lead = Actor(name: "ana", role: .lead)
  _ = try workspace.addMember("mia", roles: [.manager], actor: lead, now: now, ifVersion: nil)
  for a in 1...annotators { _ = try workspace.addMember("a\(a)", roles: [.annotator], actor: lead, now: now, ifVersion: nil) }
  let schema = LabelSchema(
    task: .singleLabel,
    labels: [.init(name: "ok", definition: "fine"), .init(name: "bridge", definition: "b"), .init(name: "void", definition: "v")],
    level: .nominal)
  try workspace.setLabelSchema(schema, actor: manager, message: nil, ifVersion: nil, now: now)
  _ = try workspace.updateGuidelines(actor: manager, message: "first", ifVersion: nil, now: now) { $0.summary = "label joints" }
  let list = (0..<items).map { Item(id: String(format: "i%03d", $0), payload: .object(["n": .int($0)]), uri: nil) }
  _ = try workspace.importDataset("d", items: list, source: "test", allowChanges: false, actor: manager, message: nil, ifVersion: nil, now: now)
  return workspace
}

private func queue(_ workspace: Workspace, _ annotator: String) throws -> [String] {
  let (assignment, _) = try #require(try workspace.assignment("d"))
  let q = try Queue(path: workspace.queuePath("d", assignment, annotator: annotator), lineWidth: assignment.lineWidth)
  defer { q.close() }
  return try q.all().map(\.item)
}

@Suite struct AnnotationTests {
  @Test func queueProgressAdvancesOverWorkDoneOutOfOrder() {
    var p = QueueProgress(next: 0, ahead: [])
    p.markDone(2)
    p.markDone(3)
    #expect(p == QueueProgress(next: 0, ahead: [2, 3]) && !p.isDone(1) && p.isDone(3))
    p.markDone(0)
    #expect(p.next == 1)
    p.markDone(1)
    #expect(p == QueueProgress(next: 4, ahead: []))
    p.markDone(1)
    #expect(p == QueueProgress(next: 4, ahead: []))
  }

  @Test func assignmentGivesEachItemKDistinctAnnotatorsDeterministically() throws {
    let workspace = try annotationWorkspace()
    let first = try workspace.assign(
      "d", overlap: 3, annotators: nil, goldRate: 0, batchSize: 7, seed: 42, actor: manager, message: nil, ifVersion: nil, now: now)
    var holders: [String: Int] = [:]
    for a in 1...4 {
      let items = try queue(workspace, "a\(a)")
      #expect(Set(items).count == items.count)
      for item in items { holders[item, default: 0] += 1 }
    }
    #expect(holders.count == 40 && holders.values.allSatisfy { $0 == 3 })
    let loads = first.assignment.annotators.values.map(\.items)
    #expect(loads.max()! - loads.min()! <= 1)
    #expect(first.assignment.batches == 6)

    // Same inputs, same queues; another seed, another order.
    let other = try annotationWorkspace()
    let again = try other.assign(
      "d", overlap: 3, annotators: nil, goldRate: 0, batchSize: 7, seed: 42, actor: manager, message: nil, ifVersion: nil, now: now)
    #expect(again.assignment.queues == first.assignment.queues)
    let third = try annotationWorkspace()
    let reseeded = try third.assign(
      "d", overlap: 3, annotators: nil, goldRate: 0, batchSize: 7, seed: 7, actor: manager, message: nil, ifVersion: nil, now: now)
    #expect(reseeded.assignment.queues != first.assignment.queues)
  }

  @Test func goldIsMixedInAtTheRateAndKeptOutOfTheRegularPool() throws {
    let workspace = try annotationWorkspace(annotators: 3, items: 100)
    _ = try workspace.setGold(
      "d", answers: (0..<10).map { (String(format: "i%03d", $0), "ok", $0 + 2) }, file: "gold.csv", actor: manager, message: nil, now: now)
    let result = try workspace.assign(
      "d", overlap: 2, annotators: nil, goldRate: 0.1, batchSize: 50, seed: 1, actor: manager, message: nil, ifVersion: nil, now: now)
    for a in 1...3 {
      let items = try queue(workspace, "a\(a)")
      let gold = items.filter { $0 < "i010" }
      let share = result.assignment.annotators["a\(a)"]!
      #expect(gold.count == share.gold && share.gold == 7)  // 60 regular items: round(60 · 0.1 / 0.9) = 7
      // At random places (keyed by the secret gold key), not in one run.
      let places = items.indices.filter { items[$0] < "i010" }
      #expect(places.last! - places.first! > places.count, "\(places)")
    }
    #expect(result.assignment.annotators.values.reduce(0) { $0 + $1.items - $1.gold } == 90 * 2)
  }

  @Test func reassignmentKeepsDoneWorkAndCoversTheItemsOfSomeoneWhoLeft() throws {
    let workspace = try annotationWorkspace()
    _ = try workspace.assign(
      "d", overlap: 2, annotators: nil, goldRate: 0, batchSize: 100, seed: 3, actor: manager, message: nil, ifVersion: nil, now: now)
    let a4 = try queue(workspace, "a4")
    let done = Array(a4.prefix(3))
    for item in done {
      _ = try workspace.submit(dataset: "d", item: item, label: "ok", skip: nil, actor: Actor(name: "a4", role: .annotator), now: now)
    }
    let before = try (1...3).map { try queue(workspace, "a\($0)") }
    let result = try workspace.assign(
      "d", overlap: nil, annotators: ["a1", "a2", "a3"], goldRate: nil, batchSize: nil, seed: nil, actor: manager, message: nil, ifVersion: nil,
      now: now)
    #expect(result.version == 2 && result.assignment.overlap == 2)
    var holders: [String: Int] = [:]
    for a in 1...3 {
      let items = try queue(workspace, "a\(a)")
      #expect(Set(before[a - 1]).isSubset(of: Set(items)))  // nobody loses work
      for item in items { holders[item, default: 0] += 1 }
    }
    // a4's labelled items need one more annotator; everything else two.
    for item in done { #expect(holders[item] == 1) }
    #expect(holders.filter { !done.contains($0.key) }.values.allSatisfy { $0 == 2 })
    #expect(result.moved == a4.count - done.count)
  }

  @Test func aNewcomerTakesOverAnEvenShareOfTheOpenWork() throws {
    let workspace = try annotationWorkspace(annotators: 4, items: 60)
    _ = try workspace.assign(
      "d", overlap: 2, annotators: ["a1", "a2", "a3"], goldRate: 0, batchSize: 100, seed: 5, actor: manager, message: nil, ifVersion: nil, now: now)
    let done = Array(try queue(workspace, "a1").prefix(10))
    for item in done {
      _ = try workspace.submit(dataset: "d", item: item, label: "ok", skip: nil, actor: Actor(name: "a1", role: .annotator), now: now)
    }
    // The first assignment named its annotators, so the newcomer is named too (a list not given is kept).
    let result = try workspace.assign(
      "d", overlap: nil, annotators: ["a1", "a2", "a3", "a4"], goldRate: nil, batchSize: nil, seed: nil, actor: manager, message: nil,
      ifVersion: nil, now: now)
    let newcomer = try queue(workspace, "a4")
    // 120 slots, 10 done: 110 open slots over 4 annotators is at most 28 each.
    #expect(newcomer.count >= 25 && newcomer.count <= 28, "\(newcomer.count) \(result.assignment.annotators)")
    #expect(Set(done).isSubset(of: Set(try queue(workspace, "a1"))))
    var holders: [String: Int] = [:]
    for a in 1...4 { for item in try queue(workspace, "a\(a)") { holders[item, default: 0] += 1 } }
    #expect(holders.count == 60 && holders.values.allSatisfy { $0 == 2 } && result.moved == newcomer.count)
  }

  @Test func progressSurvivesOutOfOrderWorkAndReassignment() throws {
    let workspace = try annotationWorkspace(annotators: 2, items: 10)
    _ = try workspace.assign(
      "d", overlap: 2, annotators: nil, goldRate: 0, batchSize: 100, seed: 1, actor: manager, message: nil, ifVersion: nil, now: now)
    let a1 = Actor(name: "a1", role: .annotator)
    let items = try queue(workspace, "a1")
    #expect(try workspace.nextWork(dataset: nil, annotator: "a1", count: 1).items.first?.item == items[0])
    _ = try workspace.submit(dataset: nil, item: items[2], label: "ok", skip: nil, actor: a1, now: now)
    _ = try workspace.submit(dataset: nil, item: items[0], label: "void", skip: nil, actor: a1, now: now)
    let skipped = try workspace.submit(dataset: nil, item: items[1], label: nil, skip: "blurred", actor: a1, now: now)
    #expect(skipped.next == items[3] && skipped.done == 3 && !skipped.replaced)
    let again = try workspace.submit(dataset: nil, item: items[0], label: "ok", skip: nil, actor: a1, now: now)
    #expect(again.replaced && again.done == 3)
    #expect(try workspace.nextWork(dataset: nil, annotator: "a1", count: 2).items.map(\.item) == [items[3], items[4]])

    // A re-assignment changes the queue: progress is worked out again from the log.
    _ = try workspace.assign(
      "d", overlap: 1, annotators: nil, goldRate: nil, batchSize: nil, seed: 9, actor: manager, message: nil, ifVersion: nil, now: now)
    let work = try workspace.nextWork(dataset: nil, annotator: "a1", count: 100)
    let labels = try workspace.labels("d")
    #expect(labels.entries.count == 3 && labels.labelCount == 2)
    #expect(Set(work.items.map(\.item)).isDisjoint(with: [items[0], items[1], items[2]]))
    #expect(work.done + work.items.count == work.assigned)
  }

  @Test func labelReaderMatchesTheJSONParserAndReadsHandEditedLines() throws {
    let workspace = try annotationWorkspace(annotators: 2, items: 6)
    _ = try workspace.assign(
      "d", overlap: 2, annotators: nil, goldRate: 0, batchSize: 100, seed: 1, actor: manager, message: nil, ifVersion: nil, now: now)
    for (n, item) in try queue(workspace, "a1").enumerated() {
      _ = try workspace.submit(
        dataset: nil, item: item, label: ["ok", "bridge", "void"][n % 3], skip: nil, actor: Actor(name: "a1", role: .annotator), now: now)
    }
    // A line written by hand, keys in another order and spaced out, then a torn tail.
    let path = workspace.labelLog("d", annotator: "a2").path
    let header = #"{"kind":"label","schemaVersion":1}"#
    let line = #"{ "time": "2026-11-22T10:00:00Z", "seq": 1, "role": "annotator", "author": "a2", "body": { "label": "void", "item": "i001" } }"#
    try Data((header + "\n" + line + "\n" + #"{"author":"a2","bo"#).utf8).write(to: URL(fileURLWithPath: path))
    let labels = try workspace.labels("d")
    let full = try workspace.labelLog("d", annotator: "a1").read().events
    #expect(labels.annotators == ["a1", "a2"] && labels.entries.count == full.count + 1)
    for event in full {
      let entry = labels.entries.first { labels.items[Int($0.item)] == event.body["item"]?.stringValue && $0.annotator == 0 }
      #expect(entry.map { labels.values[Int($0.value)] } == event.body["label"]?.stringValue)
      #expect(entry?.time == Int64(event.time.timeIntervalSince1970))
    }
    let edited = try #require(labels.entries.first { $0.annotator == 1 })
    #expect(labels.items[Int(edited.item)] == "i001" && labels.values[Int(edited.value)] == "void")
    #expect(edited.time == Int64(Timestamp.parse("2026-11-22T10:00:00Z")!.timeIntervalSince1970))
  }

  /// The UTF-8 check agrees with Swift's own decoder on random bytes and every boundary case.
  @Test func utf8CheckAgreesWithTheStandardLibrary() {
    var generator = SeededGenerator(seed: 11)
    let edges: [[UInt8]] = [
      [0xC0, 0x80], [0xE0, 0x80, 0x80], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xF0, 0x9F, 0x98, 0x80], [0xE2, 0x82], [0xFF],
      Array("héllo ✓".utf8), [0xEF, 0xBF, 0xBD],
    ]
    var cases = edges
    for _ in 0..<2000 {
      let length = Int(generator.next() % 12)
      cases.append((0..<length).map { _ in UInt8(truncatingIfNeeded: generator.next() % 3 == 0 ? generator.next() : generator.next() % 128) })
    }
    for bytes in cases {
      let valid = String(validating: bytes, as: UTF8.self) != nil
      #expect((TextBytes.firstInvalidUTF8(bytes) == nil) == valid, "\(bytes)")
    }
    #expect(TextBytes.withoutBOM([0xEF, 0xBB, 0xBF, 0x61]) == [0x61])
  }

  @Test func datasetVersionsAreNamedByTheirItemsAndNeverChangeSilently() throws {
    let workspace = try annotationWorkspace(items: 3)
    let v1 = try workspace.dataset("d")
    let same = (0..<3).reversed().map { Item(id: String(format: "i%03d", $0), payload: .object(["n": .int($0)]), uri: nil) }
    let (unchanged, wasUnchanged) = try workspace.importDataset(
      "d", items: same, source: "again", allowChanges: false, actor: manager, message: nil, ifVersion: nil, now: now)
    #expect(wasUnchanged && unchanged.version == 1 && unchanged.dataset.items == v1.dataset.items)
    var changed = same
    changed[0].payload = .object(["n": .int(99)])
    changed.append(Item(id: "i900", payload: nil, uri: "s3://b/i900.png"))
    #expect(throws: AnnotationError.changedItems(dataset: "d", changed: 1, removed: 0, first: "i002")) {
      try workspace.importDataset("d", items: changed, source: "x", allowChanges: false, actor: manager, message: nil, ifVersion: nil, now: now)
    }
    let (v2, _) = try workspace.importDataset(
      "d", items: changed, source: "x", allowChanges: true, actor: manager, message: nil, ifVersion: nil, now: now)
    #expect(v2.version == 2 && v2.dataset.changes == .init(added: 1, removed: 0, changed: 1) && v2.dataset.items != v1.dataset.items)
    let stored = try FileIO.read(workspace.itemsFilePath("d", hash: v2.dataset.items))
    #expect(ContentHash.of(stored) == v2.dataset.items)
    #expect(try workspace.itemsFile(v1).ids == ["i000", "i001", "i002"])
  }

  @Test func itemsInputNamesTheLineOfADuplicateOrMalformedItem() throws {
    let folder = NSTemporaryDirectory() + "/mlw-items-\(UInt32.random(in: 0...UInt32.max))"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let jsonl = folder + "/items.jsonl"
    try Data("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":7,\"uri\":\"s3://b/7\"}\n{\"id\":\"a\",\"text\":\"y\"}\n".utf8).write(
      to: URL(fileURLWithPath: jsonl))
    #expect(throws: InputError(file: jsonl, line: 3, "id 'a' is on line 1 already; ids must be unique (nothing was imported)")) {
      try ItemsInput.read(file: jsonl)
    }
    try Data("{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\n".utf8).write(to: URL(fileURLWithPath: jsonl))
    #expect((try? ItemsInput.read(file: jsonl)) == nil)
    let csv = folder + "/items.csv"
    try Data("id,text,source\nx1,\"a, quoted\",cam1\nx2,b,cam2\n".utf8).write(to: URL(fileURLWithPath: csv))
    let items = try ItemsInput.read(file: csv)
    #expect(items.map(\.id) == ["x1", "x2"] && items[0].payload == .object(["text": .string("a, quoted"), "source": .string("cam1")]))
  }

  @Test func labelStudioExportsImportAsOneLogPerAnnotator() throws {
    let workspace = try annotationWorkspace(items: 3)
    let file = NSTemporaryDirectory() + "/mlw-ls-\(UInt32.random(in: 0...UInt32.max)).json"
    // User 3 appears once as an object with its e-mail and once as a bare id: one member.
    let export = """
      [{"id": 11, "data": {"id": "x1", "image": "a.png"}, "annotations": [
         {"completed_by": 3, "created_at": "2026-10-01T09:30:00.250000Z", "result": [{"type": "choices", "from_name": "q", "value": {"choices": ["ok"]}}]},
         {"completed_by": {"id": 4, "email": "A2@example.com"}, "result": [{"type": "choices", "value": {"choices": ["void"]}}]},
         {"completed_by": 5, "was_cancelled": true, "result": []}]},
       {"id": 12, "data": {"id": "x2", "image": "b.png"}, "annotations": [
         {"completed_by": {"id": 3, "email": "a1@example.com"}, "created_at": "2026-11-20T10:00:00+02:00", "result": [{"type": "choices", "value": {"choices": ["bridge"]}}]}]}]
      """
    try Data(export.utf8).write(to: URL(fileURLWithPath: file))
    let members = Set(try workspace.record().0.members.keys)
    let labels = try ImportedLabel.readLabelStudio(file: file, mapping: LabelStudioMapping(members: members))
    #expect(labels.map(\.annotator) == ["a1", "a2", "a1"] && labels.map(\.item) == ["x1", "x1", "x2"])
    #expect(labels[0].time == Timestamp.parse("2026-10-01T09:30:00.25Z") && labels[1].time == nil)
    #expect(labels[2].time == Timestamp.parse("2026-11-20T08:00:00Z"))
    // A field named and missing is refused (a misspelt field must not key the labels by task id).
    #expect(throws: InputError.self) {
      try ImportedLabel.readLabelStudio(file: file, mapping: LabelStudioMapping(itemField: "key", members: members))
    }
    // Labels go into a dataset that exists: one with the items' ids.
    let tasks = ["x1", "x2", "x3"].map { Item(id: $0, payload: .object([:]), uri: nil) }
    _ = try workspace.importDataset("ls", items: tasks, source: "test", allowChanges: false, actor: manager, message: nil, ifVersion: nil, now: now)
    #expect(throws: AnnotationError.self) {
      try workspace.importLabels("elsewhere", labels, file: file, format: .labelStudio, actor: manager, now: now)
    }
    let result = try workspace.importLabels("ls", labels, file: file, format: .labelStudio, actor: manager, now: now)
    #expect(result.labels == 3 && result.annotators == ["a1": 2, "a2": 1])
    let stored = try workspace.labels("ls")
    #expect(stored.labelCount == 3 && Set(stored.annotators) == ["a1", "a2"])
    // The guidelines were published at `now`: x1 by a1 was made before (external), x1 by a2 has no time (external), x2 after (v1).
    #expect(result.external == 2 && result.underGuidelines == ["1": 1])
    #expect(Set(stored.entries.map(\.time)) == [Int64(now.timeIntervalSince1970), 1_790_847_000, 1_795_161_600])

    // A label outside the set names the task and imports nothing.
    let bad = labels + [ImportedLabel(item: "x3", annotator: "a1", labels: ["purple"], location: "task 3 (item x3), annotation 1")]
    #expect(
      throws: InputError(
        file: file, "task 3 (item x3), annotation 1: invalid label: 'purple' is not in the label set; the labels are ok, bridge, void")
    ) {
      try workspace.importLabels("ls", bad, file: file, format: .labelStudio, actor: manager, now: now)
    }
    #expect(try workspace.labels("ls").entries.count == 3)
  }

  @Test func multiLabelValuesAreSetsInSchemaOrder() throws {
    let schema = LabelSchema(
      task: .multiLabel,
      labels: [.init(name: "scratch", definition: "s"), .init(name: "dent", definition: "d"), .init(name: "stain", definition: "t")],
      level: .nominal)
    #expect(try schema.value(of: schema.parse("stain, scratch")) == "scratch+stain")
    #expect(throws: LifecycleError.self) { try schema.parse("dent,dent") }
    let single = LabelSchema(task: .singleLabel, labels: schema.labels, level: .nominal)
    #expect(throws: LifecycleError.self) { try single.parse("dent,stain") }
    #expect(throws: LifecycleError.self) { try LabelSchema(task: .ordinal, labels: schema.labels, level: .interval).validate() }
    #expect(throws: LifecycleError.self) { try LabelSchema(task: .singleLabel, labels: schema.labels, level: .ordinal).validate() }
  }
}
