import Foundation
import Statistics
import VersionedStore

/// What an annotator is shown for one item: the item and where it stands in their queue.
public struct WorkItem: Sendable, Encodable {
  public var item: String
  public var position: Int
  public var batch: Int
  public var payload: JSONValue?
  public var uri: String?
}

/// The answer to `mlw annotator next`.
public struct NextWork: Sendable, Encodable {
  public var dataset: String
  public var annotator: String
  public var items: [WorkItem]
  public var done: Int
  public var assigned: Int
  public var guidelinesVersion: Int
  /// The newest guideline version the annotator acknowledged (0: none).
  public var acknowledged: Int
  /// Set when the annotator has not acknowledged the current guidelines.
  public var notice: String?
  public var guidelines: Guidelines
  public var labels: [LabelSchema.Label]
  public var task: LabelSchema.Task
}

/// The answer to `submit` and `skip`.
public struct SubmittedLabel: Sendable, Encodable {
  public var dataset: String
  public var annotator: String
  public var item: String
  public var label: String?
  public var skip: String?
  public var guidelines: Int
  /// True when this replaced an earlier label or skip of the item (which stays in history).
  public var replaced: Bool
  public var done: Int
  public var assigned: Int
  /// The next item in the queue, if any.
  public var next: String?
}

extension Workspace {
  /// The dataset an annotator works on: `dataset` if given, else the only one assigned to them.
  ///
  /// With several assigned datasets: the one whose queue holds `item` (for a submit), else the
  /// only one with open work; a finished dataset does not count.
  public func workDataset(_ dataset: String?, annotator: String, item: String? = nil) throws -> String {
    if let dataset {
      _ = try self.dataset(dataset)
      return dataset
    }
    let datasets = try assignedDatasets(of: annotator)
    guard datasets.count > 1 else {
      guard let only = datasets.first else { throw AnnotationError.whichDataset(annotator: annotator, datasets: [], open: true) }
      return only
    }
    if let item {
      let holding = try datasets.filter { name in
        let (_, _, queue) = try openQueue(name, annotator: annotator)
        defer { queue.close() }
        return try queue.position(of: item) != nil
      }
      if holding.count == 1 { return holding[0] }
      if holding.count > 1 { throw AnnotationError.whichDataset(annotator: annotator, datasets: holding, open: true) }
    }
    let open = try datasets.filter { try hasOpenWork($0, annotator: annotator) }
    if open.count == 1 { return open[0] }
    throw AnnotationError.whichDataset(annotator: annotator, datasets: open.isEmpty ? datasets : open, open: !open.isEmpty)
  }

  /// Whether `annotator` has items left in their queue of `dataset`.
  func hasOpenWork(_ dataset: String, annotator: String) throws -> Bool {
    let (_, version, queue) = try openQueue(dataset, annotator: annotator)
    defer { queue.close() }
    let progress = try self.progress(
      after: lastEvent(of: labelLog(dataset, annotator: annotator)), version: version, dataset: dataset, annotator: annotator, queue: queue)
    return progress.next + progress.ahead.count < queue.count
  }

  private func openQueue(_ dataset: String, annotator: String) throws -> (Assignment, Int, Queue) {
    guard let (assignment, version) = try self.assignment(dataset) else { throw AnnotationError.noAssignment(dataset: dataset) }
    guard assignment.annotators[annotator] != nil else { throw AnnotationError.notInAssignment(annotator: annotator, dataset: dataset) }
    return (assignment, version, try Queue(path: queuePath(dataset, assignment, annotator: annotator), lineWidth: assignment.lineWidth))
  }

  /// The last event of a log, reading as little of its end as will hold one whole line.
  private func lastEvent(of log: EventLog) throws -> LogEvent? {
    var window = 4096
    while true {
      let (events, complete) = try log.readTail(maxBytes: window)
      if let last = events.last { return last }
      if complete { return nil }
      window *= 16
    }
  }

  /// The progress carried by `last` when it was written under assignment `version`; otherwise
  /// worked out from the whole log (once after each re-assignment).
  private func progress(after last: LogEvent?, version: Int, dataset: String, annotator: String, queue: Queue) throws -> QueueProgress {
    if let body = last?.body, body["assignment"]?.intValue == version, let next = body["next"]?.intValue {
      return QueueProgress(next: next, ahead: body["ahead"]?.arrayValue?.compactMap(\.intValue) ?? [])
    }
    guard last != nil else { return QueueProgress(next: 0, ahead: []) }
    let labels = try DatasetLabels(folder: folder + "/labels/" + dataset, only: annotator, completedImports: try completedImports(dataset))
    let done = Set(labels.entries.map { labels.items[Int($0.item)] })
    var progress = QueueProgress(next: 0, ahead: [])
    for (position, entry) in try queue.all().enumerated() where done.contains(entry.item) { progress.markDone(position) }
    return progress
  }

  /// The next `count` items of `annotator`'s queue not yet done, with the guidelines.
  public func nextWork(dataset: String?, annotator: String, count: Int) throws -> NextWork {
    let dataset = try workDataset(dataset, annotator: annotator)
    let schema = try requireLabelSchema()
    guard let (guidelines, guidelineDocument) = try self.guidelines() else { throw AnnotationError.noGuidelines }
    let (assignment, version, queue) = try openQueue(dataset, annotator: annotator)
    defer { queue.close() }
    let last = try lastEvent(of: labelLog(dataset, annotator: annotator))
    let progress = try self.progress(after: last, version: version, dataset: dataset, annotator: annotator, queue: queue)
    let stored = try self.dataset(dataset, version: assignment.datasetVersion)
    let itemsPath = itemsFilePath(dataset, hash: stored.dataset.items)
    var items: [WorkItem] = []
    var position = progress.next
    while items.count < count, position < queue.count {
      if !progress.isDone(position), let entry = try queue.entries(position..<(position + 1)).first {
        let item = try ItemsFile.item(at: entry.offset, in: itemsPath)
        items.append(WorkItem(item: entry.item, position: position + 1, batch: entry.batch + 1, payload: item.payload, uri: item.uri))
      }
      position += 1
    }
    let acknowledged = try acknowledgedGuidelines()[annotator] ?? 0
    let current = guidelineDocument.envelope.version
    let notice =
      acknowledged >= current
      ? nil
      : "you have not acknowledged guidelines v\(current)\(acknowledged > 0 ? " (you acknowledged v\(acknowledged))" : ""): read them (mlw annotator guidelines show) and acknowledge (mlw annotator guidelines ack)"
    return NextWork(
      dataset: dataset, annotator: annotator, items: items, done: progress.next + progress.ahead.count, assigned: queue.count,
      guidelinesVersion: current, acknowledged: acknowledged, notice: notice, guidelines: guidelines, labels: schema.labels,
      task: schema.task)
  }

  /// Records `annotator`'s label (or skip, when `skip` is given) for `item`: the item must be in
  /// their queue and the label in the label set. Durable when this returns.
  public func submit(dataset: String?, item: String, label: String?, skip: String?, actor: Actor, now: Date) throws -> SubmittedLabel {
    let dataset = try workDataset(dataset, annotator: actor.name, item: item)
    let schema = try requireLabelSchema()
    let value = try label.map { schema.value(of: try schema.parse($0)) }
    if let skip, skip.trimmingCharacters(in: .whitespaces).isEmpty {
      throw LifecycleError.invalidValue(what: "--reason", reason: "say why the item is skipped")
    }
    let guidelinesVersion = try documents.latestVersion(of: Guidelines.path)
    guard guidelinesVersion > 0 else { throw AnnotationError.noGuidelines }
    let (_, version, queue) = try openQueue(dataset, annotator: actor.name)
    defer { queue.close() }
    // Usually the item is the one `next` showed, at the first open position: look there before
    // scanning the whole queue.
    let log = labelLog(dataset, annotator: actor.name)
    let guess = try? progress(after: lastEvent(of: log), version: version, dataset: dataset, annotator: actor.name, queue: queue)
    let window = guess.map { try? queue.entries($0.next..<($0.next + 8)) } ?? nil
    let nearby = window?.firstIndex { $0.item == item }.map { guess!.next + $0 }
    guard let position = try nearby ?? queue.position(of: item) else {
      throw AnnotationError.notAssigned(item: item, annotator: actor.name, dataset: dataset)
    }
    var replaced = false
    var after = QueueProgress(next: 0, ahead: [])
    try log.append(afterLast: { last in
      var progress = try self.progress(after: last, version: version, dataset: dataset, annotator: actor.name, queue: queue)
      replaced = progress.isDone(position)
      progress.markDone(position)
      after = progress
      let body = LabelBody(
        item: item, label: value, skip: value == nil ? skip : nil, guidelines: guidelinesVersion, assignment: version,
        next: progress.next, ahead: progress.ahead.isEmpty ? nil : progress.ahead)
      return [EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: body))]
    })
    var nextItem: String?
    var p = after.next
    while nextItem == nil, p < queue.count {
      if !after.isDone(p) { nextItem = try queue.entries(p..<(p + 1)).first?.item }
      p += 1
    }
    return SubmittedLabel(
      dataset: dataset, annotator: actor.name, item: item, label: value, skip: value == nil ? skip : nil, guidelines: guidelinesVersion,
      replaced: replaced, done: after.next + after.ahead.count, assigned: queue.count, next: nextItem)
  }
}

/// The answer to `mlw annotator mine`: an annotator's own figures.
public struct AnnotatorSummary: Sendable, Encodable {
  public var dataset: String
  public var annotator: String
  public var assigned: Int
  public var labelled: Int
  public var skipped: Int
  /// Items of the annotator's complete batches (gold left out) that someone else labelled too;
  /// `agreementWithOthers` and `meanPairwiseKappa` are over the same items, with the
  /// annotator's first answer to each (a re-submission corrects the reports, not these).
  public var sharedItems: Int
  /// The share of the others' labels on the same items that equal the annotator's.
  public var agreementWithOthers: Estimate
  public var meanPairwiseKappa: Estimate
  /// The annotator's batches in which every item has their label or skip.
  public var completeBatches: Int
  public var batches: Int
  /// Gold items answered in complete batches (answers in a batch still open are not counted).
  public var goldAnswered: Int
  /// The share of first answers to gold items in complete batches that match the gold answer,
  /// rounded to 10 percentage points, and shown only with at least `minimumGoldAnswers` behind
  /// it. Nothing an annotator is shown changes at the moment they answer one item, so no
  /// sequence of submits, re-submits and looks tells which items are gold or what their answers
  /// are (a re-submission changes the reports, never this figure).
  public var goldAccuracy: Estimate

  public static let minimumGoldAnswers = 10
}

extension Workspace {
  /// `annotator`'s count, agreement with the others and accuracy on gold in `dataset`.
  public func annotatorSummary(dataset: String?, annotator: String) throws -> AnnotatorSummary {
    let dataset = try workDataset(dataset, annotator: annotator)
    let schema = try requireLabelSchema()
    let (_, _, queue) = try openQueue(dataset, annotator: annotator)
    let queued = try queue.all()
    queue.close()
    let labels = try self.labels(dataset)
    let me = labels.annotators.firstIndex(of: annotator).map(Int32.init)
    let mine = labels.entries.filter { $0.annotator == me }
    let labelled = mine.filter { $0.value >= 0 }
    // Gold is measured on complete batches only, on the first answer to each gold item.
    // (A re-submission must not move it, or submit-check-resubmit would find the gold items.)
    var touched = Set<String>()
    var firstAnswer: [String: String] = [:]
    for entry in mine {
      let item = labels.items[Int(entry.item)]
      touched.insert(item)
      if entry.firstValue >= 0 { firstAnswer[item] = labels.values[Int(entry.firstValue)] }
    }
    var openBatches = Set<Int>()
    var allBatches = Set<Int>()
    for entry in queued {
      allBatches.insert(entry.batch)
      if !touched.contains(entry.item) { openBatches.insert(entry.batch) }
    }
    let answers = try gold(dataset)?.0.answers ?? [:]
    let goldInComplete = queued.filter { !openBatches.contains($0.batch) && answers[$0.item] != nil && firstAnswer[$0.item] != nil }
    let correct = goldInComplete.count { firstAnswer[$0.item] == answers[$0.item] }
    let goldAccuracy: Estimate
    if goldInComplete.count < AnnotatorSummary.minimumGoldAnswers {
      goldAccuracy = .undefined(
        "shown once \(AnnotatorSummary.minimumGoldAnswers) gold checks in complete batches are behind it (\(goldInComplete.count) so far)")
    } else {
      goldAccuracy = .value((Double(correct) / Double(goldInComplete.count) * 10).rounded() / 10)
    }
    var agreement: Estimate = .undefined("no item of your complete batches has a label from someone else yet")
    var kappa: Estimate = agreement
    var shared = 0
    // Agreement too is over the items of complete batches, gold left out: counted at each
    // submission, `sharedItems` would move for a regular item another annotator labelled and
    // never for a gold one, which would tell the two apart.
    let completeItems = Set(queued.lazy.filter { !openBatches.contains($0.batch) && answers[$0.item] == nil }.map(\.item))
    // Your own labels count with their first answer as well: a re-submission that moved your
    // agreement on a regular item but not on a gold one would tell the two apart.
    let nonGold = labels.entries.compactMap { entry -> DatasetLabels.Entry? in
      var entry = entry
      if entry.annotator == me { entry.value = entry.firstValue }
      return entry.value >= 0 && completeItems.contains(labels.items[Int(entry.item)]) ? entry : nil
    }
    if let built = try LabelTable(labels, entries: nonGold, order: schema.categoryOrder),
      let g = built.coders.firstIndex(of: annotator)
    {
      let report = AgreementReport.analyze(built.table, level: schema.level, coderNames: built.coders)
      agreement = report.perCoder[g].agreementWithOthers
      kappa = report.perCoder[g].meanPairwiseKappa
      shared = (0..<built.table.unitCount).count { u in
        built.table.coderOf[built.table.unitStart[u]..<built.table.unitStart[u + 1]].contains(Int32(g))
      }
    }
    return AnnotatorSummary(
      dataset: dataset, annotator: annotator, assigned: queue.count, labelled: labelled.count, skipped: mine.count - labelled.count,
      sharedItems: shared, agreementWithOthers: agreement, meanPairwiseKappa: kappa,
      completeBatches: allBatches.count - openBatches.count, batches: allBatches.count, goldAnswered: goldInComplete.count,
      goldAccuracy: goldAccuracy)
  }
}
