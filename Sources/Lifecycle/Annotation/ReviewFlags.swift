import Foundation
import VersionedStore

/// The body of one event of `review-flags/<dataset>.jsonl` (kind `review-flag`): an item whose
/// given label someone has reason to doubt, sent to the annotation manager's disagreement queue.
/// An adjudication of the item after the flag settles it, and the next run's label snapshot
/// carries the adjudicated label. Schema: `schemas/kinds/review-flag.schema.json`.
public struct ReviewFlag: Codable, Sendable, Equatable {
  public static let kind = "review-flag"
  public static let schemaVersion = 1

  public var item: String
  /// The label the item had where the doubt arose.
  public var given: String
  /// The label that seems right instead.
  public var suspected: String?
  /// Why: e.g. `confident learning: self-confidence 0.04 in run r1 (dev)`.
  public var reason: String
  public var run: String?
  public var split: String?

  public init(item: String, given: String, suspected: String?, reason: String, run: String?, split: String?) {
    self.item = item
    self.given = given
    self.suspected = suspected
    self.reason = reason
    self.run = run
    self.split = split
  }
}

extension Workspace {
  public func reviewFlagLog(_ dataset: String) -> EventLog {
    EventLog(path: folder + "/review-flags/\(dataset).jsonl", kind: ReviewFlag.kind, schemaVersion: ReviewFlag.schemaVersion)
  }

  /// The flags not yet settled: item → its latest flag, when no adjudication of the item came
  /// after it.
  public func openReviewFlags(_ dataset: String) throws -> [String: (flag: ReviewFlag, time: Date, author: String)] {
    var latest: [String: (ReviewFlag, Date, String)] = [:]
    for event in try reviewFlagLog(dataset).read().events {
      latest[try event.body.decode(as: ReviewFlag.self).item] = (try event.body.decode(as: ReviewFlag.self), event.time, event.author)
    }
    guard !latest.isEmpty else { return [:] }
    for event in try adjudicationLog(dataset).read().events {
      guard let item = event.body["item"]?.stringValue, let flagged = latest[item], event.time >= flagged.1 else { continue }
      latest[item] = nil
    }
    return latest.mapValues { (flag: $0.0, time: $0.1, author: $0.2) }
  }

  /// Sends `flags` to the review queue of `dataset` in one append; items already flagged and
  /// still open are not flagged again. The number flagged.
  @discardableResult
  public func flagForReview(_ dataset: String, _ flags: [ReviewFlag], actor: Actor, now: Date) throws -> Int {
    let open = try openReviewFlags(dataset)
    let fresh = flags.filter { open[$0.item] == nil }
    let drafts = try fresh.map { EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: $0)) }
    return try reviewFlagLog(dataset).append(batch: drafts).count
  }
}
