import Foundation
import VersionedStore

/// Everything recorded about one item of a dataset, for the people who adjudicate it: its
/// content (payload and URI, from the latest dataset version that holds it), every annotator's
/// current label with the guideline version and time it was given under, the gold answer when
/// there is one, and the adjudications, latest last.
public struct ItemDetail: Sendable, Encodable {
  public struct Label: Sendable, Encodable {
    public var annotator: String
    /// nil for a skip.
    public var label: String?
    /// The first label this annotator gave, when a re-submission changed it.
    public var firstLabel: String?
    /// 0 for a label imported from another tool.
    public var guidelines: Int
    public var time: Date
  }

  public struct Adjudication: Sendable, Encodable {
    public var label: String
    public var reason: String
    public var by: String
    public var role: String
    public var time: Date
  }

  public var dataset: String
  public var datasetVersion: Int
  public var item: String
  public var payload: JSONValue?
  public var uri: String?
  public var labels: [Label]
  public var gold: String?
  public var adjudications: [Adjudication]
}

extension Workspace {
  /// The item `id` of `dataset` as `ItemDetail` describes it.
  public func itemDetail(_ dataset: String, item id: String) throws -> ItemDetail {
    let stored = try self.dataset(dataset)
    let file = try itemsFile(stored)
    guard let index = Self.binarySearch(file.ids, id) else {
      throw StoreError.notFound(
        what: "item '\(id)' in dataset '\(dataset)' (version \(stored.version))",
        hint: "ids match exactly, case included; 'mlw manager export \(dataset) --with-payload' lists the labelled ones")
    }
    let item = try ItemsFile.item(at: file.lineStarts[index], in: file.path)
    let labels = try self.labels(dataset)
    var found: [ItemDetail.Label] = []
    if let position = labels.items.firstIndex(of: id) {
      for e in labels.entries where Int(e.item) == position {
        let label = e.value >= 0 ? labels.values[Int(e.value)] : nil
        let first = e.firstValue >= 0 ? labels.values[Int(e.firstValue)] : nil
        found.append(
          ItemDetail.Label(
            annotator: labels.annotators[Int(e.annotator)], label: label, firstLabel: first != label ? first : nil,
            guidelines: Int(e.guidelines), time: Date(timeIntervalSince1970: TimeInterval(e.time))))
      }
    }
    found.sort { ($0.time, $0.annotator) < ($1.time, $1.annotator) }
    let adjudications = try adjudicationLog(dataset).read().events.compactMap { event -> ItemDetail.Adjudication? in
      guard event.body["item"]?.stringValue == id, let label = event.body["label"]?.stringValue else { return nil }
      return ItemDetail.Adjudication(
        label: label, reason: event.body["reason"]?.stringValue ?? "", by: event.author, role: event.role, time: event.time)
    }
    return ItemDetail(
      dataset: dataset, datasetVersion: stored.version, item: id, payload: item.payload, uri: item.uri, labels: found,
      gold: try gold(dataset)?.0.answers[id], adjudications: adjudications)
  }

  /// Payloads of `ids` from the latest version of `dataset` (ids it does not hold are left out):
  /// one read of the items file for any number of items.
  public func payloads(_ dataset: String, of ids: [String]) throws -> [String: JSONValue] {
    let file = try itemsFile(try self.dataset(dataset))
    var result: [String: JSONValue] = [:]
    for id in Set(ids) {
      guard let index = Self.binarySearch(file.ids, id) else { continue }
      let item = try ItemsFile.item(at: file.lineStarts[index], in: file.path)
      var value: [String: JSONValue] = [:]
      if let payload = item.payload { value["payload"] = payload }
      if let uri = item.uri { value["uri"] = .string(uri) }
      result[id] = .object(value)
    }
    return result
  }

  /// The index of `id` in ids sorted as the items file sorts them (by UTF-8 bytes).
  static func binarySearch(_ ids: [String], _ id: String) -> Int? {
    var (low, high) = (0, ids.count)
    let key = Array(id.utf8)
    while low < high {
      let mid = (low + high) / 2
      if Array(ids[mid].utf8).lexicographicallyPrecedes(key) { low = mid + 1 } else { high = mid }
    }
    return low < ids.count && ids[low] == id ? low : nil
  }
}
