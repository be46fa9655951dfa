import Foundation
import Statistics
import VersionedStore

/// A run's evaluation on one split: the classification report of its predictions, the figures
/// the metric policy and its bars read (per class `recall[<class>]`, per slice
/// `accuracy[<column>=<value>]`), the score under the policy in force, the comparison with every
/// baseline of the same metric, and, once the run has train and dev evaluations, the
/// bias/variance diagnosis against human level. Stored at `evaluations/<run>/<split>/`; the
/// predictions file under `content/` by its hash. Schema: `schemas/kinds/evaluation.schema.json`.
public struct Evaluation: DocumentBody, Equatable {
  public static let kind = "evaluation"
  public static let schemaVersion = 1
  public static func path(run: String, split: String) -> RecordPath { RecordPath(trusted: ["evaluations", run, split]) }

  public struct Slice: Codable, Sendable, Equatable {
    public var column: String
    public var value: String
    public var items: Int
    public var accuracy: Double?
    public var f1: Double?
  }

  public struct PolicyScore: Codable, Sendable, Equatable {
    public var version: Int
    public var summary: String
    public var score: Double
    public var eligible: Bool
    /// The bars and requirements missed.
    public var failed: [String]
  }

  public struct BaselineComparison: Codable, Sendable, Equatable {
    public var baseline: String
    public var type: Baseline.Source
    public var metric: String
    /// The baseline's figure, as a fraction for a rate.
    public var baselineValue: Double
    /// This evaluation's figure of the same metric.
    public var value: Double
    public var direction: MetricDirection
    public var beats: Bool
  }

  public var split: String
  /// `sha256:<hex>` of the predictions file as given.
  public var predictions: String
  public var items: Int
  /// Where the true labels came from: `predictions` (a truth column) or `label-snapshot`.
  public var truthFrom: String
  public var labels: [String]
  /// Rows: true label, columns: predicted, in `labels` order.
  public var confusionMatrix: [[Int]]
  public var support: [String: Int]
  /// Every defined figure by name: `accuracy`, `balanced_accuracy`, `precision`, `recall`, `f1`
  /// (macro averages), `weighted_f1`, `mcc`, `kappa`, with a score column `auc` and
  /// `average_precision`; `precision[<class>]`, `recall[<class>]`, `f1[<class>]`;
  /// `accuracy[<column>=<value>]`, `f1[<column>=<value>]`.
  public var metrics: [String: Double]
  /// Figures that are undefined, with the reason (a class never predicted has no precision).
  public var undefined: [String: String]
  public var slices: [Slice]
  public var warnings: [String]
  /// The positive class of a binary evaluation with scores.
  public var positive: String?
  /// Nil when no policy is set, with the reason in `policyNote`.
  public var policy: PolicyScore?
  public var policyNote: String?
  public var baselines: [BaselineComparison]

  /// The figures that become the run's metrics of this split (`dev.f1`).
  public static let headline = [
    "accuracy", "balanced_accuracy", "precision", "recall", "f1", "weighted_f1", "mcc", "kappa", "auc", "average_precision",
  ]
}

extension Evaluation {
  /// The figures of a classification report by name (see `metrics`), and those undefined with
  /// the reason.
  public static func figures(of report: ClassificationReport) -> (metrics: [String: Double], undefined: [String: String]) {
    var metrics: [String: Double] = [:]
    var undefined: [String: String] = [:]
    func put(_ name: String, _ estimate: Estimate?) {
      switch estimate {
      case .value(let v)? where v.isFinite: metrics[name] = v
      case .value?: undefined[name] = "not a finite number"
      case .undefined(let reason)?: undefined[name] = reason
      case nil: break
      }
    }
    put("accuracy", report.accuracy)
    put("balanced_accuracy", report.balancedAccuracy)
    put("precision", report.macro.precision)
    put("recall", report.macro.recall)
    put("f1", report.macro.f1)
    put("weighted_f1", report.weighted.f1)
    put("mcc", report.mcc)
    put("kappa", report.cohenKappa)
    put("auc", report.rocAuc)
    put("average_precision", report.averagePrecision)
    for c in report.perClass {
      put("precision[\(c.label)]", c.precision)
      put("recall[\(c.label)]", c.recall)
      put("f1[\(c.label)]", c.f1)
    }
    return (metrics, undefined)
  }
}

/// An evaluation with its attribution.
public struct StoredEvaluation: Sendable {
  public var run: String
  public var version: Int
  public var author: String
  public var time: Date
  public var evaluation: Evaluation
}

/// One row of a predictions file, read and checked.
struct PredictionRow {
  var item: String
  var prediction: String
  var truth: String
  var score: Double?
  var probabilities: [Double]?
}

/// A predictions file read against a run: every row's item in the split, once; its truth; its
/// probabilities summing to 1. Held by column, every text a number among its column's distinct
/// texts (labels share one list), so that a million rows cost a few arrays of integers, not a
/// `String` per cell.
struct Predictions {
  /// The items of the scope; `item[i]` is row i's number among them.
  var scopeItems: [String]
  var item: [Int32]
  /// The labels of truth and prediction, in the order first read.
  var labels: [String]
  var truth: [Int32]
  var prediction: [Int32]
  var scores: [Double]?
  var probabilityLabels: [String]
  /// Row i's probabilities at `i * probabilityLabels.count`.
  var probabilities: [Double]
  var sliceColumns: [String]
  /// Per slice column, its distinct values and each row's number among them.
  var sliceValues: [[String]]
  var sliceCodes: [[Int32]]
  var truthFrom: String
  var bytes: [UInt8]
  var fileExtension: String
  /// Items of the split without a prediction that have a label to check it against.
  var missing: [String]
  var scope: String

  var count: Int { item.count }

  /// Every row as a value (for the error analysis of a split, not for a million rows).
  var rows: [PredictionRow] {
    let k = probabilityLabels.count
    return (0..<count).map { i in
      PredictionRow(
        item: scopeItems[Int(item[i])], prediction: labels[Int(prediction[i])], truth: labels[Int(truth[i])], score: scores?[i],
        probabilities: k == 0 ? nil : Array(probabilities[(i * k)..<((i + 1) * k)]))
    }
  }
}

extension Workspace {
  /// The items predictions of run `run` on `split` must be for, and the scope's name.
  func predictionScope(_ run: StoredRun, split: String) throws -> (items: [String], scope: String) {
    if let splits = run.run.splits {
      guard splits.counts[split] != nil else {
        throw LifecycleError.invalidValue(
          what: "--split", reason: "run '\(run.id)' has the splits \(splits.counts.keys.sorted().joined(separator: ", ")), not '\(split)'")
      }
      return (try splitItems(splits, of: split).sorted(), "split '\(split)' of run '\(run.id)'")
    }
    guard let pin = run.run.dataset else {
      throw LifecycleError.invalidValue(what: "run", reason: "run '\(run.id)' pins no dataset, so its items cannot be checked")
    }
    return (try itemsFile(try dataset(pin.name, version: pin.version)).ids, "dataset \(pin.description)")
  }

  /// Reads the predictions at `path` (`given` in messages) for run `run`'s split `split`.
  func readPredictions(path: String, given: String, run: StoredRun, split: String, slices: [String]) throws -> Predictions {
    let input = try TabularInput(file: path)
    let columns = input.columnNames
    for needed in ["item", "prediction"] where !columns.contains(needed) {
      throw InputError(file: given, line: 1, "needs the column '\(needed)' (it has: \(columns.joined(separator: ", ")))")
    }
    for column in slices where !columns.contains(column) {
      throw InputError(file: given, line: 1, "--slice \(column): no such column (it has: \(columns.joined(separator: ", ")))")
    }
    if Set(slices).count != slices.count { throw LifecycleError.invalidValue(what: "--slice", reason: "a column is named twice") }
    let probabilityColumns = columns.filter { $0.hasPrefix("proba[") && $0.hasSuffix("]") }
    let probabilityLabels = probabilityColumns.map { String($0.dropFirst(6).dropLast()) }
    if let empty = probabilityColumns.first(where: { $0 == "proba[]" }) {
      throw InputError(file: given, line: 1, "the column \(empty) names no class; write proba[<label>]")
    }
    let hasTruth = columns.contains("truth")
    let hasScore = columns.contains("score")
    if hasScore, !probabilityColumns.isEmpty {
      throw InputError(file: given, line: 1, "give a score column (binary) or proba[<label>] columns, not both")
    }
    let (scopeItems, scope) = try predictionScope(run, split: split)
    var allowed = ByteInterner(capacity: scopeItems.count)
    for name in scopeItems { _ = allowed.intern(name) }
    let snapshot = try run.run.labels.map(snapshotLabels) ?? [:]
    if !hasTruth, run.run.labels == nil {
      throw InputError(file: given, line: 1, "needs a truth column: run '\(run.id)' has no label snapshot")
    }
    var labels = ByteInterner()
    var item: [Int32] = []
    var truth: [Int32] = []
    var prediction: [Int32] = []
    var scores: [Double] = []
    var probabilities: [Double] = []
    var sliceValues = [ByteInterner](repeating: ByteInterner(), count: slices.count)
    var sliceCodes = [[Int32]](repeating: [], count: slices.count)
    var lineOf = [Int32](repeating: 0, count: scopeItems.count)
    let classCount = probabilityColumns.count
    let wanted = ["item", "prediction"] + (hasTruth ? ["truth"] : []) + (hasScore ? ["score"] : []) + probabilityColumns + slices
    try input.forEachRecord(columns: wanted) { line, fields in
      guard !fields.isEmpty(0) else { throw InputError(file: given, line: line, "the item is empty") }
      guard let number = allowed.find(fields.buffer, fields.starts[0], fields.ends[0]) else {
        throw InputError(file: given, line: line, "item '\(InputError.shown(fields.string(0)))' is not in \(scope)")
      }
      let first = lineOf[Int(number)]
      if first > 0 {
        throw InputError(file: given, line: line, "item '\(InputError.shown(fields.string(0)))' is listed twice (line \(first) and here)")
      }
      lineOf[Int(number)] = Int32(clamping: line)
      item.append(number)
      guard !fields.isEmpty(1) else { throw InputError(file: given, line: line, "the prediction is empty") }
      prediction.append(labels.intern(fields.buffer, fields.starts[1], fields.ends[1]).0)
      var at = 2
      if hasTruth {
        guard !fields.isEmpty(at) else { throw InputError(file: given, line: line, "the truth is empty") }
        truth.append(labels.intern(fields.buffer, fields.starts[at], fields.ends[at]).0)
        at += 1
      } else {
        guard let label = snapshot[scopeItems[Int(number)]] else {
          throw InputError(
            file: given, line: line,
            "item '\(InputError.shown(fields.string(0)))' has no label in run '\(run.id)''s snapshot (a tie or unlabelled); add a truth column")
        }
        truth.append(labels.intern(label).0)
      }
      if hasScore {
        guard let value = fields.decimal(at), value.isFinite else {
          throw InputError(file: given, line: line, "the score '\(InputError.shown(fields.string(at)))' is not a number")
        }
        scores.append(value)
        at += 1
      }
      if classCount > 0 {
        var sum = 0.0
        for (k, column) in probabilityColumns.enumerated() {
          guard let p = fields.decimal(at + k), (0...1).contains(p) else {
            throw InputError(file: given, line: line, "\(column) '\(InputError.shown(fields.string(at + k)))' is not a probability from 0 to 1")
          }
          probabilities.append(p)
          sum += p
        }
        guard abs(sum - 1) <= 1e-6 else {
          throw InputError(file: given, line: line, "the probabilities add up to \(Figure.format(sum)), not 1 (within 1e-6)")
        }
        at += classCount
      }
      for k in slices.indices {
        let (code, new) = sliceValues[k].intern(fields.buffer, fields.starts[at + k], fields.ends[at + k])
        if new, sliceValues[k].count > 1000 {
          throw InputError(file: given, line: line, "--slice \(slices[k]) has more than 1,000 distinct values; slice by a coarser column")
        }
        sliceCodes[k].append(code)
      }
    }
    guard !item.isEmpty else { throw InputError(file: given, "no predictions") }
    if let problem = ClassificationReport.tooManyLabels(labels.count) { throw InputError(file: given, problem) }
    if !probabilityLabels.isEmpty {
      let known = Set(probabilityLabels)
      if let i = truth.indices.first(where: { !known.contains(labels.names[Int(truth[$0])]) }) {
        let label = labels.names[Int(truth[i])]
        throw InputError(
          file: given, line: Int(lineOf[Int(item[i])]),
          "the truth '\(InputError.shown(label))' of item '\(InputError.shown(scopeItems[Int(item[i])]))' has no proba[\(InputError.shown(label))] column"
        )
      }
    }
    let missing =
      run.run.splits == nil
      ? [] : scopeItems.indices.filter { lineOf[$0] == 0 && (hasTruth || snapshot[scopeItems[$0]] != nil) }.map { scopeItems[$0] }
    return Predictions(
      scopeItems: scopeItems, item: item, labels: labels.names, truth: truth, prediction: prediction, scores: hasScore ? scores : nil,
      probabilityLabels: probabilityLabels, probabilities: probabilities, sliceColumns: slices, sliceValues: sliceValues.map(\.names),
      sliceCodes: sliceCodes, truthFrom: hasTruth ? "predictions" : "label-snapshot", bytes: input.fileBytes,
      fileExtension: input.header.isEmpty ? "jsonl" : "csv", missing: missing.sorted(), scope: scope)
  }

  /// Evaluates run `runID` on `split` from the predictions at `path` and publishes the result.
  public func evaluateRun(
    _ runID: String, split: String, predictions path: String, given: String, slices: [String], positive: String?, actor: Actor,
    message: String?, now: Date
  ) throws -> StoredEvaluation {
    let run = try self.run(runID)
    _ = try Name(split, what: "split")
    let read = try readPredictions(path: path, given: given, run: run, split: split, slices: slices)
    let hasScore = read.scores != nil
    if hasScore, positive == nil {
      throw LifecycleError.invalidValue(what: "--positive", reason: "a score column needs --positive LABEL, the class the score is for")
    }
    if let positive, !hasScore {
      throw LifecycleError.invalidValue(what: "--positive", reason: "--positive '\(positive)' goes with a score column")
    }
    if let positive, !read.labels.contains(positive) {
      let seen = read.labels.sorted()
      throw LifecycleError.invalidValue(
        what: "--positive", reason: "'\(positive)' is no label of these predictions (they have \(seen.prefix(10).joined(separator: ", ")))")
    }
    // Every labelled item of the split, or the figures are of a subset someone chose.
    if !read.missing.isEmpty {
      let m = read.missing
      throw InputError(
        file: given,
        "\(m.count) item\(m.count == 1 ? "" : "s") of \(read.scope) \(m.count == 1 ? "has" : "have") no prediction (\(m.prefix(3).joined(separator: ", "))\(m.count > 3 ? ", …" : "")); an evaluation covers the whole split"
      )
    }
    // The confusion matrix counted on the labels' numbers, in the report's label order.
    let labels = ClassificationReport.orderedLabels(Set(read.labels))
    let position = labels.enumerated().reduce(into: [String: Int]()) { $0[$1.element] = $1.offset }
    let order = read.labels.map { position[$0]! }
    let k = labels.count
    var matrix = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
    for i in 0..<read.count { matrix[order[Int(read.truth[i])]][order[Int(read.prediction[i])]] += 1 }
    let binary = positive.flatMap { positive in
      read.scores.map { scores in
        (read.truth.map { read.labels[Int($0)] == positive }, scores, positive)
      }
    }
    let report = ClassificationReport.analyze(labels: labels, confusionMatrix: matrix, binary: binary)
    var (metrics, undefined) = Evaluation.figures(of: report)
    func put(_ name: String, _ estimate: Estimate?) {
      switch estimate {
      case .value(let v)? where v.isFinite: metrics[name] = v
      case .value?: undefined[name] = "not a finite number"
      case .undefined(let reason)?: undefined[name] = reason
      case nil: break
      }
    }
    // Each slice value's own confusion matrix, on the labels it has.
    var sliceRows: [Evaluation.Slice] = []
    for (c, column) in read.sliceColumns.enumerated() {
      let values = read.sliceValues[c]
      let codes = read.sliceCodes[c]
      // Each value's cells (truth × prediction): dense while small, else only the cells that
      // occur (1,000 values of 1,000 classes would be a billion cells).
      let dense = values.count * k * k <= 1 << 22
      var counts = dense ? [[Int]](repeating: [Int](repeating: 0, count: k * k), count: values.count) : []
      var sparse = dense ? [] : [[Int: Int]](repeating: [:], count: values.count)
      for i in 0..<read.count {
        let cell = order[Int(read.truth[i])] * k + order[Int(read.prediction[i])]
        if dense { counts[Int(codes[i])][cell] += 1 } else { sparse[Int(codes[i])][cell, default: 0] += 1 }
      }
      for v in values.indices.sorted(by: { values[$0] < values[$1] }) {
        let cells: [(cell: Int, count: Int)] =
          dense ? counts[v].enumerated().filter { $0.element > 0 }.map { ($0.offset, $0.element) } : sparse[v].map { ($0.key, $0.value) }
        let present = Set(cells.flatMap { [$0.cell / k, $0.cell % k] })
        let sliceLabels = ClassificationReport.orderedLabels(Set(present.map { labels[$0] }))
        let index = Dictionary(uniqueKeysWithValues: sliceLabels.enumerated().map { (position[$1]!, $0) })
        var matrix = [[Int]](repeating: [Int](repeating: 0, count: sliceLabels.count), count: sliceLabels.count)
        for (cell, count) in cells { matrix[index[cell / k]!][index[cell % k]!] += count }
        let part = ClassificationReport.analyze(labels: sliceLabels, confusionMatrix: matrix)
        put("accuracy[\(column)=\(values[v])]", part.accuracy)
        put("f1[\(column)=\(values[v])]", part.macro.f1)
        sliceRows.append(
          Evaluation.Slice(
            column: column, value: values[v], items: cells.reduce(0) { $0 + $1.count }, accuracy: part.accuracy.value,
            f1: part.macro.f1.value))
      }
    }
    let (policy, policyNote) = try scoreUnderPolicy(metrics, name: runID)
    let comparisons = try compareWithBaselines(metrics)
    let support = Dictionary(uniqueKeysWithValues: report.perClass.map { ($0.label, $0.support) })
    var warnings = report.warnings
    if let (schema, _) = try labelSchema() {
      let known = Set(schema.labelNames)
      let unknown = report.labels.filter { !known.contains($0) }
      if !unknown.isEmpty {
        let shown = unknown.prefix(10).map(InputError.shown).joined(separator: ", ") + (unknown.count > 10 ? ", …" : "")
        warnings.append("not in the label schema: \(shown) (a typo in the predictions, or labels of another task?)")
      }
    }
    let evaluation = Evaluation(
      split: split, predictions: "", items: read.count, truthFrom: read.truthFrom, labels: report.labels,
      confusionMatrix: report.confusionMatrix, support: support, metrics: metrics, undefined: undefined, slices: sliceRows,
      warnings: warnings, positive: positive, policy: policy, policyNote: policyNote, baselines: comparisons)
    // Everything is checked; store the predictions by hash, then publish.
    var stored = evaluation
    stored.predictions = try content.put(read.bytes, extension: read.fileExtension)
    let path = Evaluation.path(run: runID, split: split)
    let latest = try documents.latestVersion(of: path)
    let published = try publish(
      path, stored, actor: actor,
      message: message
        ?? "evaluate run \(runID) on \(split): accuracy \(metrics["accuracy"].map(Figure.format) ?? "undefined"), \(read.count) items",
      expecting: latest, now: now)
    return StoredEvaluation(run: runID, version: published.envelope.version, author: actor.name, time: now, evaluation: stored)
  }

  /// The score of `metrics` under the metric policy in force now, with its slice and rare-class
  /// bars; nil with the reason when there is no policy or it cannot score them.
  public func scoreUnderPolicy(_ metrics: [String: Double], name: String) throws -> (Evaluation.PolicyScore?, note: String?) {
    // The policy in force.
    var policy: Evaluation.PolicyScore?
    var policyNote: String?
    if let (record, version) = try metricPolicy() {
      var missed: [String] = []
      for bar in record.sliceBars {
        do {
          missed += try bar.failures([(name: name, metrics: metrics)], columns: metrics.keys.sorted())[name] ?? []
        } catch PolicyTableError.missingColumn(let column, let description) {
          missed.append("\(description): this evaluation has no \(column) (add the slice column with --slice, or the class to the predictions)")
        }
      }
      do {
        let ranked = try record.rule.policy.rank(
          [(name: name, metrics: metrics)], gates: missed.isEmpty ? [:] : [name: missed], directions: record.rule.givenDirections)
        if let mine = ranked.first {
          policy = Evaluation.PolicyScore(version: version, summary: record.summary, score: mine.score, eligible: mine.eligible, failed: mine.failed)
        }
      } catch PolicyProblem.unknownMetric(let name, _) {
        policyNote = "not scored under metric policy v\(version) (\(record.summary)): it uses '\(name)', which this evaluation does not have"
      } catch {
        policyNote = "not scored under metric policy v\(version) (\(record.summary)): \(error)"
      }
    } else {
      policyNote = "no metric policy is set (a lead or the SME sets one: mlw lead metric-policy set)"
    }
    return (policy, policyNote)
  }

  /// `metrics` against every baseline of a metric they have (an `error` baseline against
  /// 1 − accuracy), each in its direction.
  public func compareWithBaselines(_ metrics: [String: Double]) throws -> [Evaluation.BaselineComparison] {
    // Every baseline of a metric this evaluation has.
    var comparisons: [Evaluation.BaselineComparison] = []
    for stored in try baselines() {
      for metric in stored.baseline.metrics.keys.sorted() {
        let mine: Double?
        let name: String
        if let value = metrics[metric] {
          (mine, name) = (value, metric)
        } else if metric == "error", let accuracy = metrics["accuracy"] {
          (mine, name) = (1 - accuracy, "error")
        } else {
          continue
        }
        let direction = MetricDirection.resolve(name).direction
        let bound = stored.baseline.plainValue(metric)!
        comparisons.append(
          Evaluation.BaselineComparison(
            baseline: stored.id, type: stored.baseline.type, metric: name, baselineValue: bound, value: mine!, direction: direction,
            beats: direction.isBetter(mine!, than: bound)))
      }
    }
    return comparisons
  }

  /// The latest evaluation of each split of run `id`, by split.
  public func evaluations(of id: String) throws -> [StoredEvaluation] {
    let folder = RecordPath(trusted: ["evaluations", id])
    guard FileIO.isDirectory(documents.folder(folder)) else { return [] }
    return try documents.children(of: folder).compactMap { split in
      let path = Evaluation.path(run: id, split: split)
      guard try documents.latestVersion(of: path) > 0 else { return nil }
      let stored = try documents.read(path)
      return StoredEvaluation(
        run: id, version: stored.envelope.version, author: stored.envelope.author, time: stored.envelope.time,
        evaluation: try stored.body(as: Evaluation.self))
    }
  }

  /// The evaluation of run `id` on `split`, or an error naming the evaluated splits.
  public func evaluation(of id: String, split: String) throws -> StoredEvaluation {
    _ = try run(id)
    let all = try evaluations(of: id)
    guard let found = all.first(where: { $0.evaluation.split == split }) else {
      let known = all.map(\.evaluation.split)
      throw StoreError.notFound(
        what: "evaluation of run '\(id)' on '\(split)'",
        hint: known.isEmpty
          ? "evaluate it first (mlw engineer run evaluate \(id) --split \(split) --predictions FILE)" : "it has: \(known.joined(separator: ", "))")
    }
    return found
  }

  /// The bias/variance diagnosis of run `id` from its train and dev evaluations' accuracy
  /// against the human-level baseline; nil with the reason when it cannot be made.
  public func runDiagnosis(_ id: String) throws -> (Diagnosis?, note: String?) {
    // Without pinned splits, "train" and "dev" could be the same items under two names.
    guard try run(id).run.splits != nil else { return (nil, "no diagnosis: run '\(id)' pins no splits, so its train and dev items may overlap") }
    let all = try evaluations(of: id)
    guard let train = all.first(where: { $0.evaluation.split == "train" })?.evaluation.metrics["accuracy"],
      let dev = all.first(where: { $0.evaluation.split == "dev" })?.evaluation.metrics["accuracy"]
    else { return (nil, "the diagnosis needs evaluations on the train and dev splits") }
    let trainDev = all.first(where: { $0.evaluation.split == "train-dev" })?.evaluation.metrics["accuracy"]
    let test = all.first(where: { $0.evaluation.split == "test" })?.evaluation.metrics["accuracy"]
    func figure(_ value: Double) -> Figure { Figure(value: value, unit: nil) }
    do {
      let diagnosis = try diagnose(
        metric: "accuracy",
        figures: DiagnosisFigures(train: figure(train), trainDev: trainDev.map(figure), dev: figure(dev), test: test.map(figure), human: nil),
        unit: .fraction, baselineID: nil)
      return (diagnosis, nil)
    } catch let error as CategorizedError {
      return (nil, "no diagnosis: \(error.message)")
    }
  }
}
