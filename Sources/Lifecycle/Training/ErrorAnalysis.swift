import Foundation
import Statistics
import VersionedStore

/// The error tags of a run's split (Ng's error analysis): item → the tags a person gave it after
/// looking at it (possibly none). The items listed are the ones reviewed; when they are a sample
/// of the split, the report estimates shares from it. Stored at `error-tags/<run>/<split>/`.
/// Schema: `schemas/kinds/error-tags.schema.json`.
public struct ErrorTags: DocumentBody, Equatable {
  public static let kind = "error-tags"
  public static let schemaVersion = 1
  public static func path(run: String, split: String) -> RecordPath { RecordPath(trusted: ["error-tags", run, split]) }
  /// The tag for an item whose given label is wrong: the report says what share of errors it is.
  public static let mislabeled = "mislabeled"

  /// Item → its tags, sorted.
  public var items: [String: [String]]
}

/// Ng's error-analysis table for one split, ranked by potential gain.
public struct ErrorReport: Sendable, Encodable {
  public struct Row: Sendable, Encodable {
    public var tag: String
    /// Reviewed items with the tag, and of them the model's errors.
    public var items: Int
    public var errors: Int
    public var shareOfData: Double?
    public var shareOfErrors: Double?
    /// The model's accuracy on items with the tag.
    public var accuracy: Double?
    public var humanLevel: Double?
    /// `baseline <id>` (an SME's `accuracy[tag=<tag>]`), `annotators` (their labels on these
    /// items against the gold or adjudicated label), or `none`.
    public var humanLevelSource: String
    /// humanLevel − accuracy.
    public var gap: Double?
    /// gap × shareOfData (0 when the model is at or above human level on the tag).
    public var potentialGain: Double?
    /// 95% intervals when the shares are estimated from a sample.
    public var shareOfDataInterval: [Double]?
    public var shareOfErrorsInterval: [Double]?
    public var potentialGainInterval: [Double]?
  }

  public var run: String
  public var split: String
  public var evaluationVersion: Int
  public var items: Int
  public var errors: Int
  public var reviewedItems: Int
  public var reviewedErrors: Int
  /// Whether shares are estimated from a sample of the split (not every item was reviewed).
  public var estimated: Bool
  public var tags: [Row]
  /// The share of the reviewed errors tagged `mislabeled`.
  public var mislabeledShareOfErrors: Double?
  public var notes: [String]
}

/// One item to look at, with what the model said and the label.
public struct ErrorSampleItem: Sendable, Encodable {
  public var item: String
  public var prediction: String
  public var truth: String
  public var tags: [String]
  public var payload: JSONValue?
  public var uri: String?
}

public struct ErrorSample: Sendable, Encodable {
  public var run: String
  public var split: String
  public var seed: UInt64
  /// A random sample of the errors, then of all items of the split.
  public var errors: [ErrorSampleItem]
  public var items: [ErrorSampleItem]
  public var totalErrors: Int
  public var totalItems: Int
}

extension Workspace {
  /// The items a run's split holds (or its dataset version's, for a run without splits), and
  /// how to name them in a message.
  func splitScope(_ run: StoredRun, split: String) throws -> (items: Set<String>, scope: String) {
    let (items, scope) = try predictionScope(run, split: split)
    return (Set(items), scope)
  }

  /// The current error tags of a run's split, with their version (0: none yet).
  public func errorTags(run: String, split: String) throws -> (ErrorTags, Int) {
    let path = ErrorTags.path(run: run, split: split)
    let latest = try documents.latestVersion(of: path)
    guard latest > 0 else { return (ErrorTags(items: [:]), 0) }
    return (try documents.read(path).body(as: ErrorTags.self), latest)
  }

  /// Adds tags (item → tags; an empty list marks an item reviewed with no tag) to a run's
  /// split, or replaces them all with `replace`. Unknown items are refused.
  @discardableResult
  public func tagErrors(
    run runID: String, split: String, _ tags: [String: [String]], lines: [String: Int]?, given: String?, replace: Bool, actor: Actor,
    message: String?, now: Date
  ) throws -> (ErrorTags, Int) {
    let run = try self.run(runID)
    _ = try Name(split, what: "split")
    let (allowed, scope) = try splitScope(run, split: split)
    for item in tags.keys.sorted() where !allowed.contains(item) {
      if let given, let line = lines?[item] { throw InputError(file: given, line: line, "item '\(item)' is not in \(scope)") }
      throw LifecycleError.invalidValue(what: "item", reason: "'\(item)' is not in \(scope)")
    }
    for (item, list) in tags {
      for tag in list where Name.problem(with: tag) != nil {
        let problem = "tag '\(tag)' must be a name like blurry or car-noise ([a-z0-9][a-z0-9._-]*)"
        if let given, let line = lines?[item] { throw InputError(file: given, line: line, problem) }
        throw LifecycleError.invalidValue(what: "tag", reason: problem)
      }
    }
    var (current, version) = try errorTags(run: runID, split: split)
    if replace { current.items = [:] }
    var added = 0
    for (item, list) in tags {
      let before = Set(current.items[item] ?? [])
      let after = before.union(list)
      added += after.count - before.count
      current.items[item] = after.sorted()
    }
    let path = ErrorTags.path(run: runID, split: split)
    let stored = try publish(
      path, current, actor: actor,
      message: message ?? "error tags of run \(runID) on \(split): \(added) added on \(tags.count) item\(tags.count == 1 ? "" : "s")",
      expecting: version, now: now)
    return (current, stored.envelope.version)
  }

  /// An evaluation's stored predictions, read again (checked against its hash first).
  func storedPredictions(_ run: StoredRun, _ stored: StoredEvaluation) throws -> Predictions {
    let e = stored.evaluation
    let ext = ["csv", "jsonl"].first { FileIO.exists(content.path(of: e.predictions, extension: $0)) }
    guard let ext else { throw StoreError.corrupt(file: content.folder, reason: "the predictions \(e.predictions) of this evaluation are missing") }
    _ = try content.get(e.predictions, extension: ext)
    let file = content.path(of: e.predictions, extension: ext)
    return try readPredictions(path: file, given: file, run: run, split: e.split, slices: [])
  }

  /// The rows of an evaluation's stored predictions.
  func evaluatedRows(_ run: StoredRun, _ stored: StoredEvaluation) throws -> [PredictionRow] {
    try storedPredictions(run, stored).rows
  }

  /// Ng's error-analysis table of a run's split from its latest evaluation and its error tags.
  public func errorReport(run runID: String, split: String) throws -> ErrorReport {
    let run = try self.run(runID)
    let evaluation = try self.evaluation(of: runID, split: split)
    let rows = try evaluatedRows(run, evaluation)
    let (tags, _) = try errorTags(run: runID, split: split)
    let isError = Dictionary(uniqueKeysWithValues: rows.map { ($0.item, $0.prediction != $0.truth) })
    let totalErrors = rows.filter { $0.prediction != $0.truth }.count
    let total = rows.count
    let reviewed = tags.items.keys.filter { isError[$0] != nil }
    let reviewedErrors = reviewed.filter { isError[$0]! }.count
    let reviewedCorrect = reviewed.count - reviewedErrors
    let estimated = reviewedErrors < totalErrors || reviewedCorrect < total - totalErrors
    var notes: [String] = []
    if tags.items.isEmpty { notes.append("no error tags yet: tag a sample (mlw engineer errors sample, then errors import or errors tag)") }
    if estimated, reviewedCorrect == 0, !tags.items.isEmpty {
      notes.append(
        "only errors were reviewed: share of data, accuracy and gain need a sample of all items too (errors sample draws one)")
    }
    // Human level per tag: an SME baseline's accuracy[tag=<tag>], else the annotators.
    let humanBaselines = try baselines().filter { $0.baseline.type == .humanLevel }
    let annotatorAccuracy = try annotatorAccuracyOn(run: run)
    var byTag: [String: (errors: Int, correct: Int)] = [:]
    for (item, list) in tags.items {
      guard let wrong = isError[item] else { continue }
      for tag in list {
        var counts = byTag[tag] ?? (0, 0)
        if wrong { counts.errors += 1 } else { counts.correct += 1 }
        byTag[tag] = counts
      }
    }
    let n = Double(total)
    let errorWeight = reviewedErrors > 0 ? Double(totalErrors) / Double(reviewedErrors) : 0
    let correctWeight = reviewedCorrect > 0 ? Double(total - totalErrors) / Double(reviewedCorrect) : 0
    var result: [ErrorReport.Row] = []
    for (tag, counts) in byTag {
      // Stratified by error / correct: each reviewed item stands for the unreviewed ones of its
      // stratum (exact when every item was reviewed).
      let shareOfErrors = reviewedErrors > 0 ? Double(counts.errors) / Double(reviewedErrors) : nil
      let haveCorrect = reviewedCorrect > 0 || totalErrors == total
      let estErrors = Double(counts.errors) * errorWeight
      let estCorrect = Double(counts.correct) * correctWeight
      let shareOfData = haveCorrect && n > 0 ? (estErrors + estCorrect) / n : nil
      let accuracy = haveCorrect && estErrors + estCorrect > 0 ? estCorrect / (estErrors + estCorrect) : nil
      var human: Double?
      var source = "none"
      if let b = humanBaselines.first(where: { $0.baseline.metrics["accuracy[tag=\(tag)]"] != nil }) {
        human = b.baseline.plainValue("accuracy[tag=\(tag)]")
        source = "baseline \(b.id)"
      } else {
        let taggedItems = tags.items.filter { $0.value.contains(tag) }.map(\.key)
        var right = 0
        var all = 0
        for item in taggedItems {
          guard let (r, a) = annotatorAccuracy[item] else { continue }
          right += r
          all += a
        }
        if all > 0 {
          human = Double(right) / Double(all)
          source = "annotators (\(all) label\(all == 1 ? "" : "s") against gold or adjudicated)"
        }
      }
      let gap = human.flatMap { h in accuracy.map { Diagnosis.rounded(h - $0) } }
      let gain = gap.flatMap { g in shareOfData.map { Diagnosis.rounded(max(0, g) * $0) } }
      var row = ErrorReport.Row(
        tag: tag, items: counts.errors + counts.correct, errors: counts.errors, shareOfData: shareOfData, shareOfErrors: shareOfErrors,
        accuracy: accuracy, humanLevel: human, humanLevelSource: source, gap: gap, potentialGain: gain)
      if estimated {
        if let shareOfErrors { row.shareOfErrorsInterval = Interval.wilson(successes: counts.errors, trials: reviewedErrors, share: shareOfErrors) }
        if let shareOfData {
          // Each stratum's share by its Wilson interval (never a zero-width interval from a
          // handful of items), weighted by the stratum's size: a conservative interval for the
          // stratified estimate.
          let we = Double(totalErrors) / n
          let wc = Double(total - totalErrors) / n
          let e =
            reviewedErrors == totalErrors
            ? [shareOfErrors ?? 0, shareOfErrors ?? 0]
            : reviewedErrors > 0
              ? Interval.wilson(successes: counts.errors, trials: reviewedErrors, share: Double(counts.errors) / Double(reviewedErrors)) : [0, 1]
          let pc = reviewedCorrect > 0 ? Double(counts.correct) / Double(reviewedCorrect) : 0
          let c =
            reviewedCorrect == total - totalErrors
            ? [pc, pc]
            : reviewedCorrect > 0
              ? Interval.wilson(successes: counts.correct, trials: reviewedCorrect, share: Double(counts.correct) / Double(reviewedCorrect)) : [0, 1]
          let low = totalErrors == 0 ? c[0] * wc : we * e[0] + wc * c[0]
          let high = totalErrors == 0 ? c[1] * wc : we * e[1] + wc * c[1]
          row.shareOfDataInterval = [max(0, min(low, shareOfData)), min(1, max(high, shareOfData))]
          if let gap, gap > 0 { row.potentialGainInterval = row.shareOfDataInterval!.map { Diagnosis.rounded(gap * $0) } }
        }
      }
      result.append(row)
    }
    result.sort { a, b in
      let (x, y) = (a.potentialGain ?? -1, b.potentialGain ?? -1)
      return x != y ? x > y : (a.shareOfErrors ?? 0, b.tag) > (b.shareOfErrors ?? 0, a.tag)
    }
    let mislabeled = reviewedErrors > 0 ? Double(byTag[ErrorTags.mislabeled]?.errors ?? 0) / Double(reviewedErrors) : nil
    if estimated, !tags.items.isEmpty {
      notes.append(
        "shares are estimated from \(reviewed.count) reviewed of \(total) items (\(reviewedErrors) of \(totalErrors) errors); intervals are 95%")
    }
    if result.contains(where: { $0.humanLevelSource == "none" }) {
      notes.append("a tag without human level: the SME can record it as a human-level baseline with --metric 'accuracy[tag=TAG]=0.95'")
    }
    return ErrorReport(
      run: runID, split: split, evaluationVersion: evaluation.version, items: total, errors: totalErrors, reviewedItems: reviewed.count,
      reviewedErrors: reviewedErrors, estimated: estimated, tags: result, mislabeledShareOfErrors: mislabeled, notes: notes)
  }

  /// Per item of the run's dataset: how many of the annotators' current labels match the gold
  /// answer (else the adjudicated label), and how many labels were compared.
  func annotatorAccuracyOn(run: StoredRun) throws -> [String: (right: Int, all: Int)] {
    guard let pin = run.run.dataset, try labelSchema() != nil else { return [:] }
    let labels = try self.labels(pin.name)
    var reference = try adjudications(pin.name)
    for (item, answer) in try gold(pin.name)?.0.answers ?? [:] { reference[item] = answer }
    var result: [String: (right: Int, all: Int)] = [:]
    for e in labels.entries where e.value >= 0 {
      let item = labels.items[Int(e.item)]
      guard let expected = reference[item] else { continue }
      var counts = result[item] ?? (0, 0)
      counts.all += 1
      if labels.values[Int(e.value)] == expected { counts.right += 1 }
      result[item] = counts
    }
    return result
  }

  /// Items to look at: a seeded sample of `n` errors and `n` items of the split, with payloads.
  public func errorSample(run runID: String, split: String, n: Int, seed: UInt64) throws -> ErrorSample {
    guard (1...10_000).contains(n) else { throw LifecycleError.invalidValue(what: "--n", reason: "\(n) is not from 1 to 10,000") }
    let run = try self.run(runID)
    let evaluation = try self.evaluation(of: runID, split: split)
    let rows = try evaluatedRows(run, evaluation).sorted { $0.item < $1.item }
    let (tags, _) = try errorTags(run: runID, split: split)
    var payloads: [String: Item] = [:]
    if let pin = run.run.dataset {
      for item in try itemsFile(try dataset(pin.name, version: pin.version)).items() { payloads[item.id] = item }
    }
    func draw(_ pool: [PredictionRow], _ generator: inout SeededGenerator) -> [ErrorSampleItem] {
      var pool = pool
      let count = min(n, pool.count)
      for i in 0..<count { pool.swapAt(i, i + generator.below(pool.count - i)) }
      return pool.prefix(count).map { row in
        ErrorSampleItem(
          item: row.item, prediction: row.prediction, truth: row.truth, tags: tags.items[row.item] ?? [], payload: payloads[row.item]?.payload,
          uri: payloads[row.item]?.uri)
      }
    }
    var generator = SeededGenerator(seed: seed)
    let errors = rows.filter { $0.prediction != $0.truth }
    return ErrorSample(
      run: runID, split: split, seed: seed, errors: draw(errors, &generator), items: draw(rows, &generator), totalErrors: errors.count,
      totalItems: rows.count)
  }
}

/// Intervals for a share.
enum Interval {
  /// The Wilson score interval at 95% for `successes` of `trials`.
  static func wilson(successes: Int, trials: Int, share: Double) -> [Double] {
    let z = 1.959963984540054
    let n = Double(trials)
    let centre = (share + z * z / (2 * n)) / (1 + z * z / n)
    let half = z / (1 + z * z / n) * (share * (1 - share) / n + z * z / (4 * n * n)).squareRoot()
    return [max(0, centre - half), min(1, centre + half)]
  }
}

/// Reads a tag file: `item,tag` rows, one per tag (an empty tag marks an item reviewed).
public enum ErrorTagsInput {
  public static func read(file: String, given: String) throws -> (tags: [String: [String]], lines: [String: Int]) {
    let input = try TabularInput(file: file)
    var tags: [String: [String]] = [:]
    var lines: [String: Int] = [:]
    try input.forEachRow(columns: ["item", "tag"]) { line, fields in
      guard let item = fields[0], !item.isEmpty else { throw InputError(file: given, line: line, "the item is empty") }
      lines[item] = lines[item] ?? line
      let tag = fields[1] ?? ""
      tags[item, default: []] += tag.isEmpty ? [] : [tag]
    }
    guard !tags.isEmpty else { throw InputError(file: given, "no rows") }
    return (tags, lines)
  }
}
