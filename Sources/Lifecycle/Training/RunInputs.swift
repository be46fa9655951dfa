import Foundation
import Statistics
import VersionedStore

/// The labels a run saw: the consensus of its dataset version at start (adjudicated, else the
/// majority, ties settled by `tieRule`), stored by hash as JSON Lines `{"item","label","source"}`
/// so that a later adjudication does not change what the run was trained on.
public struct LabelSnapshot: Codable, Sendable, Equatable {
  /// `sha256:<hex>` of the snapshot file (under `content/`).
  public var sha256: String
  /// Items with a consensus label.
  public var items: Int
  /// Items of the dataset version without one: no labels yet, or an unresolved tie.
  public var unlabelled: Int
  /// Labelled items by where their label came from: `adjudicated`, `majority`, `tie-broken`.
  public var sources: [String: Int]
  /// Unresolved ties (left out of the snapshot).
  public var ties: Int
  public var tieRule: TieRule
  /// The guideline versions the labels behind the snapshot were made under (0: imported).
  public var guidelines: [Int]
  /// Krippendorff's alpha over the labels of these items at start; nil when undefined.
  public var krippendorffAlpha: Double?
  /// Why alpha is undefined, when it is.
  public var agreementNote: String?
  /// Each annotator whose labels of these items were there at start, with how many (nil in a
  /// run started before mlw recorded them).
  public var annotators: [String: Int]? = nil
}

/// The items of each split a run uses: stored by hash as JSON Lines `{"item","split"}`.
public struct Splits: Codable, Sendable, Equatable {
  public var sha256: String
  /// Items per split.
  public var counts: [String: Int]
  /// Items of the dataset version in no split.
  public var unassigned: Int
  /// The seeded rule the splits were drawn by (`train=0.8,dev=0.1,test=0.1`), when drawn.
  public var rule: String?
  public var seed: UInt64?
  /// The file the splits were read from, as given, when read.
  public var file: String?
}

/// Where a run's splits come from.
public enum SplitSource: Sendable {
  /// A file of `item,split` rows (CSV or JSON Lines): `path` to read, `given` for the record.
  case file(path: String, given: String)
  /// Shares per split, drawn with `seed`.
  case rule(String, seed: UInt64)

  /// Parses `train=0.8,dev=0.1,test=0.1`: split names and shares that add up to 1.
  public static func parseRule(_ text: String) throws -> [(split: String, share: Double)] {
    var parts: [(String, Double)] = []
    for piece in text.split(separator: ",", omittingEmptySubsequences: false) {
      let pair = piece.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
      guard pair.count == 2, Name.problem(with: pair[0]) == nil, Figure.isDecimal(pair[1]), let share = Double(pair[1]), share > 0, share <= 1
      else {
        throw LifecycleError.invalidValue(
          what: "--split-rule", reason: "'\(piece)' is not SPLIT=SHARE with a share above 0 and at most 1, as in train=0.8,dev=0.1,test=0.1")
      }
      guard !parts.contains(where: { $0.0 == pair[0] }) else {
        throw LifecycleError.invalidValue(what: "--split-rule", reason: "split '\(pair[0])' is named twice")
      }
      parts.append((pair[0], share))
    }
    let total = parts.reduce(0) { $0 + $1.1 }
    guard abs(total - 1) <= 1e-9 else {
      throw LifecycleError.invalidValue(what: "--split-rule", reason: "the shares add up to \(Figure.format(total)), not 1")
    }
    return parts
  }

  struct Resolved {
    var summary: Splits
    var bytes: [UInt8]
  }

  /// The splits of `items` (a dataset version's ids, sorted): read and checked, or drawn.
  func resolve(items: [String], dataset: String) throws -> Resolved {
    var splitOf: [String: String] = [:]
    var summary = Splits(sha256: "", counts: [:], unassigned: 0)
    switch self {
    case .file(let path, let given):
      let known = Set(items)
      var lineOf: [String: Int] = [:]
      let input = try TabularInput(file: path)
      try input.forEachRow(columns: ["item", "split"]) { line, fields in
        guard let item = fields[0], !item.isEmpty, let split = fields[1], !split.isEmpty else {
          throw InputError(file: given, line: line, "every row needs an item and a split")
        }
        guard Name.problem(with: split) == nil else {
          throw InputError(file: given, line: line, "split '\(split)' must be a name like train or dev ([a-z0-9][a-z0-9._-]*)")
        }
        guard known.contains(item) else {
          throw InputError(file: given, line: line, "item '\(item)' is not in dataset '\(dataset)' at this version")
        }
        if let earlier = splitOf[item] {
          let problem =
            earlier == split
            ? "item '\(item)' is listed twice (line \(lineOf[item]!) and here)"
            : "item '\(item)' is in '\(earlier)' (line \(lineOf[item]!)) and in '\(split)': an item in two splits leaks between them"
          throw InputError(file: given, line: line, problem)
        }
        splitOf[item] = split
        lineOf[item] = line
      }
      guard !splitOf.isEmpty else { throw InputError(file: given, "no rows") }
      summary.file = given
    case .rule(let text, let seed):
      let shares = try SplitSource.parseRule(text)
      var order = items
      var generator = SeededGenerator(seed: seed)
      if order.count > 1 {
        for i in stride(from: order.count - 1, to: 0, by: -1) { order.swapAt(i, generator.below(i + 1)) }
      }
      // Largest remainder: counts that add up to the items exactly.
      let exact = shares.map { $0.share * Double(order.count) }
      var counts = exact.map { Int($0.rounded(.down)) }
      let byRemainder = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
      for i in byRemainder.prefix(order.count - counts.reduce(0, +)) { counts[i] += 1 }
      var start = 0
      for (index, share) in shares.enumerated() {
        for item in order[start..<(start + counts[index])] { splitOf[item] = share.split }
        start += counts[index]
      }
      if let empty = shares.indices.first(where: { counts[$0] == 0 }) {
        throw LifecycleError.invalidValue(
          what: "--split-rule", reason: "split '\(shares[empty].split)' would get no item of the \(order.count); give it a larger share")
      }
      for share in shares { summary.counts[share.split] = 0 }
      // As given (without spaces), so that it can be typed again.
      summary.rule = text.filter { !$0.isWhitespace }
      summary.seed = seed
    }
    var bytes: [UInt8] = []
    for item in items {
      guard let split = splitOf[item] else { continue }
      summary.counts[split, default: 0] += 1
      bytes += JSONValue.object(["item": .string(item), "split": .string(split)]).canonicalBytes(pretty: false)
      bytes.append(0x0A)
    }
    summary.unassigned = items.count - splitOf.count
    return Resolved(summary: summary, bytes: bytes)
  }
}

extension Workspace {
  struct ResolvedSnapshot {
    var summary: LabelSnapshot
    var bytes: [UInt8]
  }

  /// The consensus labels of `version`'s items now, or nil when the dataset has no labels.
  func labelSnapshot(of version: StoredDataset, items: [String], ties: TieRule) throws -> ResolvedSnapshot? {
    guard try labelSchema() != nil else { return nil }
    let labels = try self.labels(version.id)
    guard labels.labelCount > 0 else { return nil }
    let inVersion = Set(items)
    let rows = try consensus(version.id, ties: ties).filter { inVersion.contains($0.item) }
    var summary = LabelSnapshot(
      sha256: "", items: 0, unlabelled: 0, sources: [:], ties: 0, tieRule: ties, guidelines: [], krippendorffAlpha: nil, agreementNote: nil)
    var bytes: [UInt8] = []
    for row in rows {
      guard let label = row.label else {
        summary.ties += 1
        continue
      }
      summary.items += 1
      summary.sources[row.source, default: 0] += 1
      bytes += JSONValue.object(["item": .string(row.item), "label": .string(label), "source": .string(row.source)]).canonicalBytes(pretty: false)
      bytes.append(0x0A)
    }
    summary.unlabelled = items.count - summary.items
    var itemIndex: Set<Int32> = []
    for (i, id) in labels.items.enumerated() where inVersion.contains(id) { itemIndex.insert(Int32(i)) }
    let entries = labels.entries.filter { $0.value >= 0 && itemIndex.contains($0.item) }
    summary.guidelines = Set(entries.map { Int($0.guidelines) }).sorted()
    var byAnnotator: [String: Int] = [:]
    for entry in entries { byAnnotator[labels.annotators[Int(entry.annotator)], default: 0] += 1 }
    summary.annotators = byAnnotator
    let schema = try requireLabelSchema()
    if let table = try LabelTable(labels, entries: entries, order: schema.categoryOrder) {
      let report = AgreementReport.analyze(table.table, level: schema.level, coderNames: table.coders)
      switch report.krippendorffAlpha {
      case .value(let alpha) where alpha.isFinite: summary.krippendorffAlpha = alpha
      case .value: summary.agreementNote = "alpha is undefined"
      case .undefined(let reason): summary.agreementNote = reason
      }
    } else {
      summary.agreementNote = "no item has two labels"
    }
    return ResolvedSnapshot(summary: summary, bytes: bytes)
  }

  /// The label snapshot a run pinned, item → label.
  public func snapshotLabels(_ snapshot: LabelSnapshot) throws -> [String: String] {
    var result: [String: String] = [:]
    try Self.forEachPair(try content.get(snapshot.sha256, extension: "ndjson"), "item", "label") { result[$0] = $1 }
    return result
  }

  /// The splits a run pinned, item → split.
  public func splitItems(_ splits: Splits) throws -> [String: String] {
    var result: [String: String] = [:]
    try Self.forEachPair(try content.get(splits.sha256, extension: "ndjson"), "item", "split") { result[$0] = $1 }
    return result
  }

  /// The items of one split a run pinned, in the stored order.
  func splitItems(_ splits: Splits, of split: String) throws -> [String] {
    var result: [String] = []
    try Self.forEachPair(try content.get(splits.sha256, extension: "ndjson"), "item", "split") { if $1 == split { result.append($0) } }
    return result
  }

  /// Calls `body` with the string values of keys `a` and `b` of each JSON line of `bytes` that
  /// has both. A canonical line that begins `{"a":"…","b":"…"` without a backslash in either
  /// value is cut in place; any other line goes through the JSON parser.
  static func forEachPair(_ bytes: [UInt8], _ a: String, _ b: String, _ body: (String, String) -> Void) throws {
    let first = Array("{\"\(a)\":\"".utf8)
    let second = Array("\",\"\(b)\":\"".utf8)
    try bytes.withUnsafeBufferPointer { buffer in
      var start = 0
      while start < buffer.count {
        var end = start
        while end < buffer.count, buffer[end] != 0x0A { end += 1 }
        defer { start = end + 1 }
        guard end > start else { continue }
        func matches(_ expected: [UInt8], at i: Int) -> Bool {
          i + expected.count <= end && expected.indices.allSatisfy { buffer[i + $0] == expected[$0] }
        }
        // A value up to its closing quote, nil at a backslash (an escape: the parser reads it).
        func value(from i: Int) -> Int? {
          var j = i
          while j < end {
            if buffer[j] == UInt8(ascii: "\"") { return j }
            if buffer[j] == UInt8(ascii: "\\") { return nil }
            j += 1
          }
          return nil
        }
        if matches(first, at: start), let close = value(from: start + first.count), matches(second, at: close),
          let close2 = value(from: close + second.count), close2 + 1 < end,
          buffer[close2 + 1] == UInt8(ascii: "}") || buffer[close2 + 1] == UInt8(ascii: ",")
        {
          let x = String(decoding: UnsafeBufferPointer(rebasing: buffer[(start + first.count)..<close]), as: UTF8.self)
          let y = String(decoding: UnsafeBufferPointer(rebasing: buffer[(close + second.count)..<close2]), as: UTF8.self)
          body(x, y)
          continue
        }
        let row = try JSONValue.parse(bytes[start..<end])
        if let x = row[a]?.stringValue, let y = row[b]?.stringValue { body(x, y) }
      }
    }
  }
}
