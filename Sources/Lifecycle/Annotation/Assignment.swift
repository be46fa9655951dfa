import Crypto
import Foundation
import Statistics
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// Known answers for some items of a dataset, used as hidden checks of annotators. Stored at
/// `gold/<dataset>/`; annotator commands never show it. Schema: `schemas/kinds/gold.schema.json`.
public struct GoldSet: DocumentBody, Equatable {
  public static let kind = "gold"
  public static let schemaVersion = 1
  /// Item id → the correct label (as `LabelSchema.value(of:)` writes it).
  public var answers: [String: String]

  public init(answers: [String: String]) {
    self.answers = answers
  }

  public static func path(_ dataset: String) -> RecordPath { RecordPath(trusted: ["gold", dataset]) }
}

/// Who labels which items of a dataset: each item to `overlap` distinct annotators, in batches,
/// with gold items mixed in, deterministic for the seed (and the gold key, when there is gold). Stored at `assignments/<dataset>/`; the
/// per-annotator queues are files under `assignments/<dataset>/queues/<hash>/`, written before
/// the version that names them. Schema: `schemas/kinds/assignment.schema.json`.
public struct Assignment: DocumentBody, Equatable {
  public static let kind = "assignment"
  public static let schemaVersion = 1

  public struct Share: Codable, Sendable, Equatable {
    /// Items in the queue, gold included.
    public var items: Int
    public var gold: Int
  }

  public var datasetVersion: Int
  /// The items hash of that dataset version.
  public var items: String
  public var overlap: Int
  public var goldRate: Double
  public var batchSize: Int
  public var batches: Int
  public var seed: Int
  public var annotators: [String: Share]
  /// Items that got fewer than `overlap` annotators (too few annotators left to cover them).
  public var underCovered: Int
  /// The folder of the queue files, under `assignments/<dataset>/queues/`.
  public var queues: String
  /// The byte width of one queue line.
  public var lineWidth: Int
  /// A random secret (32 hex digits), made the first time the dataset is assigned with gold and
  /// kept by every re-assignment. It keys the order of the items and where each annotator's gold
  /// items go, so that nothing an annotator sees (the seed is visible in the record's history)
  /// tells them which items are gold. Absent for an assignment made without gold.
  public var goldKey: String?
  /// The annotators named with `--annotators`, kept by a re-assignment that names none; absent
  /// when every member with the annotator role takes part (a newcomer then joins).
  public var chosenAnnotators: [String]?

  public static func path(_ dataset: String) -> RecordPath { RecordPath(trusted: ["assignments", dataset]) }

  /// A fresh gold key from the system's random source.
  static func newGoldKey() -> String {
    var random = SystemRandomNumberGenerator()
    return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &random)) }.joined()
  }

  /// 64 bits derived from the gold key and `purpose` (0 without a key, so that an assignment
  /// without gold depends on the seed alone).
  static func keyBits(_ key: String?, _ purpose: String) -> UInt64 {
    guard let key else { return 0 }
    let digest = SHA256.hash(data: Array((key + "\u{0}" + purpose).utf8))
    return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
  }
}

/// One annotator's queue: fixed-width lines `<item id padded> <batch> <offset>`, so that
/// position `p` is one `pread` away and `next` costs the same at item 10 as at item 200,000.
/// The offset is where the item's line starts in the dataset's items file.
public struct Queue: Sendable {
  public let path: String
  public let lineWidth: Int
  public let count: Int
  private let fd: Int32

  public struct Entry: Sendable, Equatable {
    public var item: String
    public var batch: Int
    public var offset: Int
  }

  static let batchDigits = 6
  static let offsetDigits = 12

  public init(path: String, lineWidth: Int) throws {
    self.path = path
    self.lineWidth = lineWidth
    fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError.corrupt(file: path, reason: "the queue file is missing; run 'mlw fsck'") }
    ReadSet.opened(fd, path: path)
    var info = stat()
    fstat(fd, &info)
    count = Int(info.st_size) / lineWidth
  }

  public func close() { Glibc.close(fd) }

  static func line(_ entry: Entry, idWidth: Int) -> [UInt8] {
    func padded(_ n: Int, _ width: Int) -> String {
      let digits = String(n)
      return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    let id = entry.item + String(repeating: " ", count: idWidth - entry.item.utf8.count)
    return Array("\(id) \(padded(entry.batch, batchDigits)) \(padded(entry.offset, offsetDigits))\n".utf8)
  }

  static func parse(_ line: ArraySlice<UInt8>) -> Entry? {
    let fields = line.split(separator: 0x20, omittingEmptySubsequences: true)
    guard fields.count == 3, let batch = Int(String(decoding: fields[1], as: UTF8.self)),
      let offset = Int(String(decoding: fields[2].prefix { $0 != 0x0A }, as: UTF8.self))
    else { return nil }
    return Entry(item: String(decoding: fields[0], as: UTF8.self), batch: batch, offset: offset)
  }

  /// The entries at positions `range`.
  public func entries(_ range: Range<Int>) throws -> [Entry] {
    let range = range.clamped(to: 0..<count)
    guard !range.isEmpty else { return [] }
    var bytes = [UInt8](repeating: 0, count: range.count * lineWidth)
    let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, off_t(range.lowerBound * lineWidth)) }
    guard got == bytes.count else { throw StoreError.corrupt(file: path, reason: "short read") }
    return try (0..<range.count).map { i in
      guard let entry = Queue.parse(bytes[(i * lineWidth)..<((i + 1) * lineWidth)]) else {
        throw StoreError.corrupt(file: path, reason: "line \(range.lowerBound + i + 1) is not a queue line")
      }
      return entry
    }
  }

  /// Every entry.
  public func all() throws -> [Entry] { try entries(0..<count) }

  /// The position of `item`, found by comparing the id column of each line.
  public func position(of item: String) throws -> Int? {
    let size = count * lineWidth
    var bytes = [UInt8](repeating: 0, count: size)
    let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, size, 0) }
    guard got == size else { throw StoreError.corrupt(file: path, reason: "short read") }
    let needle = Array(item.utf8) + [0x20]
    return bytes.withUnsafeBufferPointer { buffer -> Int? in
      needle.withUnsafeBufferPointer { pattern -> Int? in
        var from = 0
        while let at = LineScanner.search(buffer.baseAddress!, from, size, pattern.baseAddress!, pattern.count) {
          if at % lineWidth == 0 { return at / lineWidth }
          from = at + 1
        }
        return nil
      }
    }
  }
}

/// An annotator's place in their queue, carried in each label event so that `next` and
/// `submit` read one line instead of the whole log: the first position not done, and the
/// positions after it that are done (labelled out of order).
struct QueueProgress: Equatable {
  var next: Int
  var ahead: [Int]

  func isDone(_ position: Int) -> Bool { position < next || ahead.contains(position) }

  mutating func markDone(_ position: Int) {
    if position == next {
      next += 1
      while let first = ahead.first, first == next {
        ahead.removeFirst()
        next += 1
      }
    } else if position > next, !ahead.contains(position) {
      ahead.append(position)
      ahead.sort()
    }
  }
}

extension Workspace {
  /// The gold answers of `dataset` and their version; nil when none are set.
  public func gold(_ dataset: String) throws -> (GoldSet, Int)? {
    let latest = try documents.latestVersion(of: GoldSet.path(dataset))
    guard latest > 0 else { return nil }
    return (try documents.read(GoldSet.path(dataset), version: latest).body(as: GoldSet.self), latest)
  }

  /// Sets the gold answers of `dataset` (replacing the set), checked against the label schema
  /// and the dataset's items.
  @discardableResult
  public func setGold(_ dataset: String, answers: [(item: String, label: String, line: Int)], file: String, actor: Actor, message: String?, now: Date)
    throws -> (GoldSet, Int)
  {
    let schema = try requireLabelSchema()
    let stored = try self.dataset(dataset)
    let ids = Set(try itemsFile(stored).ids)
    var set: [String: String] = [:]
    for answer in answers {
      guard ids.contains(answer.item) else { throw InputError(file: file, line: answer.line, "item '\(answer.item)' is not in dataset '\(dataset)'") }
      let labels: [String]
      do { labels = try schema.parse(answer.label) } catch { throw InputError(file: file, line: answer.line, error.message) }
      guard set.updateValue(schema.value(of: labels), forKey: answer.item) == nil else {
        throw InputError(file: file, line: answer.line, "item '\(answer.item)' has a gold answer already in this file")
      }
    }
    guard !set.isEmpty else { throw InputError(file: file, "no gold answers") }
    let latest = try documents.latestVersion(of: GoldSet.path(dataset))
    let body = GoldSet(answers: set)
    let published = try publish(
      GoldSet.path(dataset), body, actor: actor, message: message ?? "gold answers for \(set.count) items", expecting: latest, now: now)
    return (body, published.envelope.version)
  }

  /// The current assignment of `dataset` and its version; nil when it is not assigned.
  public func assignment(_ dataset: String) throws -> (Assignment, Int)? {
    let latest = try documents.latestVersion(of: Assignment.path(dataset))
    guard latest > 0 else { return nil }
    return (try documents.read(Assignment.path(dataset), version: latest).body(as: Assignment.self), latest)
  }

  /// The queue file of `annotator` in an assignment.
  public func queuePath(_ dataset: String, _ assignment: Assignment, annotator: String) -> String {
    folder + "/assignments/\(dataset)/queues/\(assignment.queues)/\(annotator).queue"
  }

  /// The datasets in which `annotator` has a queue.
  public func assignedDatasets(of annotator: String) throws -> [String] {
    try documents.children(of: RecordPath(trusted: ["assignments"])).filter { dataset in
      (try? assignment(dataset))??.0.annotators[annotator] != nil
    }
  }

  /// What `assign` changed.
  public struct AssignmentResult: Sendable, Encodable {
    public var dataset: String
    public var version: Int
    public var assignment: Assignment
    /// Items whose annotators changed against the previous version (0 for the first).
    public var moved: Int
    /// Items that already had `overlap` labels and needed no one new.
    public var complete: Int
    /// The settings not given that kept the previous assignment's value ("overlap 3", …).
    public var kept: [String]
    /// Annotators of a kept `--annotators` list who no longer hold the role, left out.
    public var dropped: [String]
  }

  /// Assigns (or re-assigns) `dataset` to `annotators`.
  ///
  /// Items are shuffled with the seed (a Fisher–Yates shuffle on SplitMix64, identical on every
  /// machine) and cut into batches. Gold items are kept out of the regular pool and mixed into
  /// every queue at `goldRate`, at random places keyed by the secret gold key. Each regular item needs `overlap` labels: labels
  /// already given count (also by someone who left); the missing slots go to annotators who have
  /// not labelled or skipped the item, preferring whoever held it before (so a re-assignment
  /// moves as little as possible), then the least loaded, capped at an even share of the open
  /// work (so a newcomer takes over work from the others); slots over the share move to whoever
  /// is under it.
  public func assign(
    _ dataset: String, overlap: Int?, annotators chosen: [String]?, goldRate: Double?, batchSize: Int?, seed: Int?,
    actor: Actor, message: String?, ifVersion: Int?, now: Date
  ) throws -> AssignmentResult {
    let stored = try self.dataset(dataset)
    let previous = try assignment(dataset)
    var kept: [String] = []
    func keep<T>(_ given: T?, _ old: T?, _ fallback: T, _ name: String) -> T {
      if let given { return given }
      if let old {
        kept.append("\(name) \(old)")
        return old
      }
      return fallback
    }
    let overlap = keep(overlap, previous?.0.overlap, 1, "overlap")
    let goldRate = keep(goldRate, previous?.0.goldRate, 0.05, "gold rate")
    let batchSize = keep(batchSize, previous?.0.batchSize, 500, "batch size")
    let seed = keep(seed, previous?.0.seed, 1, "seed")
    let members = try record().0
    var dropped: [String] = []
    var listed = chosen
    if chosen == nil, let old = previous?.0.chosenAnnotators {
      listed = old.filter { members.roles(of: $0).contains(.annotator) }
      dropped = old.filter { !members.roles(of: $0).contains(.annotator) }
      kept.append("annotators \(listed!.joined(separator: ","))")
    }
    let annotators = (listed ?? members.holders(of: .annotator)).sorted()
    for name in annotators where !members.roles(of: name).contains(.annotator) {
      throw LifecycleError.invalidValue(
        what: "--annotators", reason: "\(name) does not hold the annotator role here (mlw lead member grant \(name) annotator)")
    }
    guard !annotators.isEmpty else {
      throw LifecycleError.invalidValue(
        what: "--annotators", reason: "no annotators: a lead grants the annotator role first (mlw lead member grant NAME annotator)")
    }
    guard overlap >= 1, overlap <= annotators.count else {
      throw LifecycleError.invalidValue(what: "--overlap", reason: "\(overlap) needs at least that many annotators; there are \(annotators.count)")
    }
    guard goldRate >= 0, goldRate < 0.5 else {
      throw LifecycleError.invalidValue(what: "--gold-rate", reason: "give a share from 0 to below 0.5, e.g. 0.05")
    }
    guard batchSize >= 1, batchSize <= 999_999 else { throw LifecycleError.invalidValue(what: "--batch-size", reason: "give 1 to 999999 items") }
    guard seed >= 0 else { throw LifecycleError.invalidValue(what: "--seed", reason: "give a non-negative integer") }

    let items = try itemsFile(stored)
    let offsetOf = Dictionary(uniqueKeysWithValues: zip(items.ids, items.lineStarts))
    let goldAnswers = try gold(dataset)?.0.answers ?? [:]
    let goldIDs = items.ids.filter { goldAnswers[$0] != nil }
    let goldKey = previous?.0.goldKey ?? (goldIDs.isEmpty ? nil : Assignment.newGoldKey())
    var generator = SeededGenerator(seed: UInt64(seed) ^ Assignment.keyBits(goldKey, "order"))
    var pool = items.ids.filter { goldAnswers[$0] == nil }
    shuffle(&pool, &generator)
    let batchOf = Dictionary(uniqueKeysWithValues: pool.enumerated().map { ($1, $0 / batchSize) })

    // Who labelled (counts toward the overlap) and who labelled or skipped (excluded) each item.
    let labels = try self.labels(dataset)
    var labelled: [String: Set<String>] = [:]
    var touched: [String: Set<String>] = [:]
    for entry in labels.entries {
      let item = labels.items[Int(entry.item)]
      let who = labels.annotators[Int(entry.annotator)]
      touched[item, default: []].insert(who)
      if entry.value >= 0 { labelled[item, default: []].insert(who) }
    }
    var before: [String: Set<String>] = [:]
    if let (old, _) = previous {
      for name in old.annotators.keys {
        let queue = try Queue(path: queuePath(dataset, old, annotator: name), lineWidth: old.lineWidth)
        defer { queue.close() }
        for entry in try queue.all() { before[entry.item, default: []].insert(name) }
      }
    }

    var need = [Int](repeating: 0, count: pool.count)
    var complete = 0
    for (i, item) in pool.enumerated() {
      need[i] = max(0, overlap - (labelled[item]?.count ?? 0))
      if need[i] == 0 { complete += 1 }
    }
    let cap = (need.reduce(0, +) + annotators.count - 1) / annotators.count
    var load = [Int](repeating: 0, count: annotators.count)
    var picks = [[Int]](repeating: [], count: pool.count)
    // First pass: whoever held an item before keeps it, up to an even share of the open work.
    for (i, item) in pool.enumerated() where need[i] > 0 {
      let done = touched[item] ?? []
      for g in annotators.indices where picks[i].count < need[i] && load[g] < cap {
        if before[item]?.contains(annotators[g]) == true, !done.contains(annotators[g]) {
          picks[i].append(g)
          load[g] += 1
        }
      }
    }
    // Second pass: the open slots go to the least loaded, starting at a rotating place.
    var underCovered = 0
    for (i, item) in pool.enumerated() where picks[i].count < need[i] {
      let done = touched[item] ?? []
      let rotation = (i * overlap) % annotators.count
      let candidates = annotators.indices.filter { !done.contains(annotators[$0]) && !picks[i].contains($0) }.sorted { a, b in
        (load[a] >= cap ? 1 : 0, load[a], (a - rotation + annotators.count) % annotators.count)
          < (load[b] >= cap ? 1 : 0, load[b], (b - rotation + annotators.count) % annotators.count)
      }
      for g in candidates.prefix(need[i] - picks[i].count) {
        picks[i].append(g)
        load[g] += 1
      }
      if picks[i].count < need[i] { underCovered += 1 }
    }
    // Third pass: an item can need two new annotators when its previous holders are full, and
    // then someone goes over the share while a newcomer is under it; move such slots across.
    // (After someone leaves, the load can stay a little uneven: continuity comes first.)
    let isNewcomer = annotators.map { name in previous.map { $0.0.annotators[name] == nil } ?? true }
    func movableSlot(from over: Int, to under: Int) -> Int? {
      // A slot handed out in this run moves first; an item someone already held moves only to a
      // newcomer (who had no queue before), never between annotators who both stay.
      func canMove(_ i: Int, held: Bool) -> Bool {
        picks[i].contains(over) && !picks[i].contains(under) && !(touched[pool[i]] ?? []).contains(annotators[under])
          && (before[pool[i]]?.contains(annotators[over]) == true) == held
      }
      return pool.indices.first { canMove($0, held: false) } ?? (isNewcomer[under] ? pool.indices.first { canMove($0, held: true) } : nil)
    }
    rebalance: while true {
      for over in annotators.indices where load[over] > cap {
        for under in annotators.indices where load[under] < cap {
          guard let i = movableSlot(from: over, to: under) else { continue }
          picks[i][picks[i].firstIndex(of: over)!] = under
          load[over] -= 1
          load[under] += 1
          continue rebalance
        }
      }
      break
    }
    var queues = [[String]](repeating: [], count: annotators.count)
    var moved = 0
    for (i, item) in pool.enumerated() {
      let done = touched[item] ?? []
      let holders = annotators.indices.filter { done.contains(annotators[$0]) } + picks[i]
      if previous != nil, Set(holders.map { annotators[$0] }) != (before[item] ?? []).intersection(annotators) { moved += 1 }
      for g in holders.sorted() { queues[g].append(item) }
    }

    // Gold: each annotator gets their own random choice of the gold items at random places of
    // their queue (a uniform interleaving), both keyed by the secret gold key and their name. A
    // gold item takes the batch of the regular item before it (the first one's, at the front).
    var shares: [String: Assignment.Share] = [:]
    var files: [(String, [UInt8])] = []
    let idWidth = items.ids.map(\.utf8.count).max() ?? 1
    for (g, name) in annotators.enumerated() {
      let regular = queues[g]
      let goldCount =
        goldIDs.isEmpty || regular.isEmpty
        ? 0 : min(goldIDs.count, Int((Double(regular.count) * goldRate / (1 - goldRate)).rounded()))
      var goldGenerator = SeededGenerator(seed: Assignment.keyBits(goldKey, "gold\u{0}" + name))
      var goldChoice = goldIDs
      shuffle(&goldChoice, &goldGenerator)
      var bytes: [UInt8] = []
      bytes.reserveCapacity((regular.count + goldCount) * (idWidth + 21))
      var nextGold = 0
      var r = 0
      while r < regular.count || nextGold < goldCount {
        let goldLeft = goldCount - nextGold
        let regularLeft = regular.count - r
        if goldLeft > 0, goldGenerator.below(goldLeft + regularLeft) < goldLeft {
          let goldItem = goldChoice[nextGold]
          let batch = batchOf[regular[max(0, r - 1)]]!
          bytes += Queue.line(.init(item: goldItem, batch: batch, offset: offsetOf[goldItem]!), idWidth: idWidth)
          nextGold += 1
        } else {
          let item = regular[r]
          bytes += Queue.line(.init(item: item, batch: batchOf[item]!, offset: offsetOf[item]!), idWidth: idWidth)
          r += 1
        }
      }
      shares[name] = .init(items: regular.count + nextGold, gold: nextGold)
      files.append((name, bytes))
    }
    var hasher = SHA256()
    for (name, bytes) in files {
      hasher.update(data: Array(name.utf8) + [0])
      hasher.update(data: bytes)
    }
    let queueFolder = hasher.finalize().prefix(16).map { String(format: "%02x", $0) }.joined()
    let base = folder + "/assignments/\(dataset)/queues/\(queueFolder)"
    try FileIO.makeDirectories(base)
    for (name, bytes) in files where !FileIO.exists(base + "/\(name).queue") {
      _ = try FileIO.publishExclusive(bytes, at: base + "/\(name).queue")
    }
    let body = Assignment(
      datasetVersion: stored.version, items: stored.dataset.items, overlap: overlap, goldRate: goldRate, batchSize: batchSize,
      batches: (pool.count + batchSize - 1) / batchSize, seed: seed, annotators: shares, underCovered: underCovered,
      queues: queueFolder, lineWidth: idWidth + 2 + Queue.batchDigits + Queue.offsetDigits + 1, goldKey: goldKey,
      chosenAnnotators: listed.map { _ in annotators })
    let summary =
      previous == nil
      ? "assign \(pool.count) items to \(annotators.count) annotators, overlap \(overlap)"
      : "re-assign to \(annotators.joined(separator: ", ")): \(moved) items moved"
    let published = try publish(
      Assignment.path(dataset), body, actor: actor, message: message ?? summary, expecting: ifVersion ?? previous?.1 ?? 0, now: now)
    return AssignmentResult(
      dataset: dataset, version: published.envelope.version, assignment: body, moved: moved, complete: complete, kept: kept, dropped: dropped)
  }
}

/// Fisher–Yates with the seeded generator: the same order on every machine and Swift version
/// (the standard library's `shuffle` makes no such promise).
func shuffle<T>(_ array: inout [T], _ generator: inout SeededGenerator) {
  guard array.count > 1 else { return }
  for i in stride(from: array.count - 1, to: 0, by: -1) {
    let j = generator.below(i + 1)
    if i != j { array.swapAt(i, j) }
  }
}
