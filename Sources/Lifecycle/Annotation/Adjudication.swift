import Foundation
import Statistics
import VersionedStore

/// The body of one event of `adjudications/<dataset>.jsonl` (kind `adjudication`): the consensus
/// label of an item and why. The latest event for an item wins. Schema:
/// `schemas/kinds/adjudication.schema.json`.
public struct AdjudicationBody: Codable, Sendable, Equatable {
  public static let kind = "adjudication"
  public static let schemaVersion = 1
  public var item: String
  public var label: String
  public var reason: String
}

/// One item whose labels disagree.
public struct Disagreement: Sendable, Encodable {
  public var item: String
  public var labels: Int
  /// Label → votes, most first.
  public var votes: [Vote]
  /// Annotator → label.
  public var byAnnotator: [String: String]
  /// Share of the labels that went to the top label.
  public var topShare: Double
  /// The adjudicated label, when the item is resolved (listed only with `all`).
  public var adjudicated: String?
  /// `{payload, uri}` of the item, when asked for (`--with-payload`).
  public var content: JSONValue?
  /// Why the item was sent for review (a label issue a run found), when it was.
  public var flag: ReviewFlag?

  public struct Vote: Sendable, Encodable {
    public var label: String
    public var count: Int
  }
}

/// How a tie between the top labels of an item is settled in the consensus.
public enum TieRule: String, Sendable, CaseIterable, Codable {
  /// Leave the item without a consensus label (source `tie`), for adjudication.
  case unresolved
  /// Take the tied label that comes first in the label schema.
  case schemaOrder = "schema-order"
}

/// One row of the consensus export.
public struct ConsensusRow: Sendable, Encodable {
  public var item: String
  /// Nil for an unresolved tie.
  public var label: String?
  /// `adjudicated`, `majority`, `tie-broken` (by schema order) or `tie`.
  public var source: String
  public var labels: Int
  /// Share of the item's labels that equal the consensus label.
  public var agreement: Double
  public var votes: [String: Int]
}

/// Where the annotation stands per annotator and overall.
public struct AnnotationProgress: Sendable, Encodable {
  public struct Annotator: Sendable, Encodable {
    public var annotator: String
    public var assigned: Int
    public var gold: Int
    public var labelled: Int
    public var skipped: Int
    public var remaining: Int
    /// Labels per hour of active work (gaps over 30 minutes end a session).
    public var labelsPerHour: Estimate
    public var lastActive: Date?
  }

  public var dataset: String
  public var assignmentVersion: Int
  public var overlap: Int
  public var annotators: [Annotator]
  /// Regular items with `overlap` labels or more.
  public var complete: Int
  public var items: Int
  public var labels: Int
  public var assigned: Int
  public var done: Int
}

extension Workspace {
  /// The adjudication log of `dataset`.
  public func adjudicationLog(_ dataset: String) -> EventLog {
    EventLog(path: folder + "/adjudications/\(dataset).jsonl", kind: AdjudicationBody.kind, schemaVersion: AdjudicationBody.schemaVersion)
  }

  /// Item → adjudicated label (the latest adjudication of each item).
  public func adjudications(_ dataset: String) throws -> [String: String] {
    var result: [String: String] = [:]
    for event in try adjudicationLog(dataset).read().events {
      if let item = event.body["item"]?.stringValue, let label = event.body["label"]?.stringValue { result[item] = label }
    }
    return result
  }

  /// Items with two or more labels that disagree (any disagreement, or with `quorum` fewer than
  /// ceil(n · quorum) votes for the top label), most split first. Adjudicated items are left
  /// out unless `all`.
  public func disagreements(_ dataset: String, quorum: Double?, all: Bool) throws -> [Disagreement] {
    if let quorum, !(quorum > 0 && quorum <= 1) {
      throw LifecycleError.invalidValue(what: "--quorum", reason: "give a share above 0 and at most 1, e.g. 0.67")
    }
    let labels = try self.labels(dataset)
    let adjudicated = try adjudications(dataset)
    var byItem: [Int32: [DatasetLabels.Entry]] = [:]
    for e in labels.entries where e.value >= 0 { byItem[e.item, default: []].append(e) }
    var result: [Disagreement] = []
    for (item, entries) in byItem where entries.count >= 2 {
      var counts: [String: Int] = [:]
      for e in entries { counts[labels.values[Int(e.value)], default: 0] += 1 }
      let top = counts.values.max()!
      let n = entries.count
      let disagrees = quorum.map { top < Int((Double(n) * $0 - 1e-9).rounded(.up)) } ?? (counts.count > 1)
      guard disagrees else { continue }
      let id = labels.items[Int(item)]
      if !all, adjudicated[id] != nil { continue }
      result.append(
        Disagreement(
          item: id, labels: n,
          votes: counts.map { .init(label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) },
          byAnnotator: Dictionary(uniqueKeysWithValues: entries.map { (labels.annotators[Int($0.annotator)], labels.values[Int($0.value)]) }),
          topShare: Double(top) / Double(n), adjudicated: adjudicated[id]))
    }
    // Items sent for review (a label issue) join the queue, first, until an adjudication settles them.
    let flags = try openReviewFlags(dataset)
    var listed = Set(result.map(\.item))
    for i in result.indices { result[i].flag = flags[result[i].item]?.flag }
    let itemIndex = Dictionary(labels.items.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { a, _ in a })
    for (id, open) in flags where !listed.contains(id) {
      let entries = itemIndex[id].flatMap { byItem[$0] } ?? []
      var counts: [String: Int] = [:]
      for e in entries { counts[labels.values[Int(e.value)], default: 0] += 1 }
      let n = entries.count
      result.append(
        Disagreement(
          item: id, labels: n,
          votes: counts.map { .init(label: $0.key, count: $0.value) }.sorted { ($0.count, $1.label) > ($1.count, $0.label) },
          byAnnotator: Dictionary(uniqueKeysWithValues: entries.map { (labels.annotators[Int($0.annotator)], labels.values[Int($0.value)]) }),
          topShare: n > 0 ? Double(counts.values.max()!) / Double(n) : 0, adjudicated: adjudicated[id], flag: open.flag))
      listed.insert(id)
    }
    return result.sorted {
      ($0.flag == nil ? 1 : 0, $0.topShare, -$0.votes.count, -$0.labels, $0.item) < (
        $1.flag == nil ? 1 : 0, $1.topShare, -$1.votes.count, -$1.labels, $1.item
      )
    }
  }

  /// Records the consensus label of `item` with the reason.
  public func adjudicate(_ dataset: String, item: String, label: String, reason: String, actor: Actor, now: Date) throws -> AdjudicationBody {
    let schema = try requireLabelSchema()
    let value = schema.value(of: try schema.parse(label))
    guard !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw LifecycleError.invalidValue(what: "--reason", reason: "say why this label is the consensus")
    }
    let labels = try self.labels(dataset)
    guard labels.items.contains(item) else {
      throw LifecycleError.invalidValue(
        what: "item", reason: "'\(item)' has no labels in dataset '\(dataset)'; 'mlw manager disagreements \(dataset)' lists the open items")
    }
    let body = AdjudicationBody(item: item, label: value, reason: reason)
    try adjudicationLog(dataset).append(EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: body)))
    return body
  }

  /// One consensus label per labelled item: the adjudicated label, else the majority; a tie is
  /// settled by `ties`.
  public func consensus(_ dataset: String, ties: TieRule) throws -> [ConsensusRow] {
    let labels = try self.labels(dataset)  // the name is checked before anything else
    let schema = try requireLabelSchema()
    let adjudicated = try adjudications(dataset)
    var byItem: [Int32: [String: Int]] = [:]
    for e in labels.entries where e.value >= 0 { byItem[e.item, default: [:]][labels.values[Int(e.value)], default: 0] += 1 }
    let rank = Dictionary(uniqueKeysWithValues: schema.labelNames.enumerated().map { ($1, $0) })
    func order(_ value: String) -> [Int] { value.split(separator: "+").map { rank[String($0)] ?? .max } }
    var rows: [ConsensusRow] = []
    for (item, votes) in byItem {
      let id = labels.items[Int(item)]
      let n = votes.values.reduce(0, +)
      let label: String?
      let source: String
      if let chosen = adjudicated[id] {
        (label, source) = (chosen, "adjudicated")
      } else {
        let top = votes.values.max()!
        let tied = votes.filter { $0.value == top }.map(\.key).sorted { order($0).lexicographicallyPrecedes(order($1)) }
        if tied.count == 1 {
          (label, source) = (tied[0], "majority")
        } else if ties == .schemaOrder {
          (label, source) = (tied[0], "tie-broken")
        } else {
          (label, source) = (nil, "tie")
        }
      }
      rows.append(
        ConsensusRow(
          item: id, label: label, source: source, labels: n,
          agreement: label.map { Double(votes[$0] ?? 0) / Double(n) } ?? Double(votes.values.max()!) / Double(n),
          votes: votes))
    }
    return rows.sorted { $0.item < $1.item }
  }

  /// Progress per annotator and overall.
  public func annotationProgress(_ dataset: String) throws -> AnnotationProgress {
    _ = try self.dataset(dataset)
    guard let (assignment, version) = try self.assignment(dataset) else { throw AnnotationError.noAssignment(dataset: dataset) }
    let labels = try self.labels(dataset)
    let answers = try gold(dataset)?.0.answers ?? [:]
    var rows: [AnnotationProgress.Annotator] = []
    var perItem: [Int32: Int] = [:]
    for e in labels.entries where e.value >= 0 { perItem[e.item, default: 0] += 1 }
    let annotatorIndex = Dictionary(uniqueKeysWithValues: labels.annotators.enumerated().map { ($1, Int32($0)) })
    var byAnnotator: [Int32: [DatasetLabels.Entry]] = [:]
    for e in labels.entries { byAnnotator[e.annotator, default: []].append(e) }
    for name in assignment.annotators.keys.sorted() {
      let queue = try Queue(path: queuePath(dataset, assignment, annotator: name), lineWidth: assignment.lineWidth)
      defer { queue.close() }
      let queued = Set(try queue.all().map(\.item))
      let mine = annotatorIndex[name].flatMap { byAnnotator[$0] } ?? []
      let inQueue = mine.filter { queued.contains(labels.items[Int($0.item)]) }
      let labelled = inQueue.count { $0.value >= 0 }
      let skipped = inQueue.count - labelled
      let times = mine.filter { $0.value >= 0 }.map(\.time).sorted()
      var active: Int64 = 0
      for (a, b) in zip(times, times.dropFirst()) where b - a <= 1800 { active += b - a }
      let rate: Estimate =
        active > 0
        ? .value(Double(times.count - 1) / (Double(active) / 3600))
        : .undefined("needs two labels within 30 minutes of each other")
      rows.append(
        .init(
          annotator: name, assigned: queue.count, gold: assignment.annotators[name]!.gold, labelled: labelled, skipped: skipped,
          remaining: queue.count - inQueue.count, labelsPerHour: rate, lastActive: times.last.map { Date(timeIntervalSince1970: TimeInterval($0)) }))
    }
    let regular = perItem.filter { answers[labels.items[Int($0.key)]] == nil }
    return AnnotationProgress(
      dataset: dataset, assignmentVersion: version, overlap: assignment.overlap, annotators: rows,
      complete: regular.values.count { $0 >= assignment.overlap }, items: try self.dataset(dataset).dataset.count - answers.count,
      labels: labels.labelCount, assigned: rows.reduce(0) { $0 + $1.assigned }, done: rows.reduce(0) { $0 + $1.labelled + $1.skipped })
  }
}
