import Foundation
import Statistics
import VersionedStore

/// The agreement report of a dataset (`mlw manager report`): every coefficient of the statistics
/// engine at the schema's level, per category, per annotator pair, each annotator against the
/// others and against gold, bootstrap intervals, the trend across guideline versions, and who and
/// what pulls agreement down.
public struct AnnotationReport: Sendable, Encodable {
  public struct Scope: Sendable, Encodable {
    public var dataset: String
    public var batch: Int?
    public var guidelines: Int?
  }

  public struct GoldAccuracy: Sendable, Encodable {
    public var annotator: String
    public var answered: Int
    public var correct: Int
    public var accuracy: Estimate
  }

  public struct VersionTrend: Sendable, Encodable {
    public var guidelines: Int
    public var items: Int
    public var labels: Int
    public var krippendorffAlpha: Estimate
    public var percentAgreement: Estimate
    public var fleissKappa: Estimate
    public var gwetAC1: Estimate
    /// Alpha against the version before in this list (nil for the first or when undefined).
    public var alphaChange: Double?
    public var goldAccuracy: Estimate
  }

  public struct LabelPresence: Sendable, Encodable {
    public var label: String
    public var krippendorffAlpha: Estimate
    public var percentAgreement: Estimate
  }

  public struct Drag: Sendable, Encodable {
    public var name: String
    /// Alpha of the category against the rest, or of the data without the annotator.
    public var alpha: Estimate
    public var reason: String
  }

  public var scope: Scope
  public var task: LabelSchema.Task
  /// Items with two or more labels: the pairable units of every coefficient.
  public var items: Int
  /// Items with one label only (unpairable: left out of alpha, counted in category shares).
  public var singleLabelled: Int
  public var skips: Int
  public var agreement: AgreementReport
  /// Multi-label tasks: agreement on each label's presence.
  public var perLabel: [LabelPresence]?
  public var gold: [GoldAccuracy]
  public var goldOverall: Estimate
  public var trend: [VersionTrend]
  /// Categories whose agreement is below the overall alpha, worst first.
  public var weakCategories: [Drag]
  /// Annotators without whom alpha would be higher, biggest gain first.
  public var weakAnnotators: [Drag]
}

/// Labels gathered into the shape the agreement coefficients take.
struct LabelTable {
  var table: RatingTable
  var coders: [String]
  var units: [String]
  var singles: Int

  /// Builds a table from `entries` (labels only); nil when no item has two labels. An item with
  /// one label is kept, as `mlw stats agreement` keeps it (see `AgreementReport.leftOut`).
  ///
  /// Units and coders are numbered in the order of the raw export (items by id, then annotators
  /// by name), whatever order the logs hold them in, so that the report's figures are the same to
  /// the last bit as `mlw stats agreement` on that export.
  init?(_ labels: DatasetLabels, entries unordered: [DatasetLabels.Entry], order: [String]?) throws {
    let (entries, itemOrder) = labels.exportOrder(unordered)
    var perItem = [Int32](repeating: 0, count: labels.items.count)
    for e in entries { perItem[Int(e.item)] += 1 }
    var unitOf = [Int32](repeating: -1, count: labels.items.count)
    var units: [String] = []
    var singles = 0
    for i in itemOrder where perItem[i] >= 1 {
      unitOf[i] = Int32(units.count)
      units.append(labels.items[i])
      if perItem[i] == 1 { singles += 1 }
    }
    var coderOf = [Int32](repeating: -1, count: labels.annotators.count)
    var coders: [String] = []
    var (u, c, v) = ([Int32](), [Int32](), [Int32]())
    for e in entries where unitOf[Int(e.item)] >= 0 {
      if coderOf[Int(e.annotator)] < 0 {
        coderOf[Int(e.annotator)] = Int32(coders.count)
        coders.append(labels.annotators[Int(e.annotator)])
      }
      u.append(unitOf[Int(e.item)])
      c.append(coderOf[Int(e.annotator)])
      v.append(e.value)
    }
    self.singles = singles
    guard units.count > singles else { return nil }
    let order = order.map { names in names.filter { labels.values.contains($0) } }
    table = try RatingTable(
      unitCount: units.count, coderCount: coders.count, values: labels.values, unitOf: u, coderOf: c, valueOf: v,
      categoryOrder: order)
    self.coders = coders
    self.units = units
  }
}

extension Workspace {
  /// The item → batch map of the current assignment (batches from 1).
  func batches(_ dataset: String) throws -> [String: Int] {
    guard let (assignment, _) = try self.assignment(dataset) else { throw AnnotationError.noAssignment(dataset: dataset) }
    var result: [String: Int] = [:]
    for name in assignment.annotators.keys {
      let queue = try Queue(path: queuePath(dataset, assignment, annotator: name), lineWidth: assignment.lineWidth)
      defer { queue.close() }
      for entry in try queue.all() { result[entry.item] = entry.batch + 1 }
    }
    return result
  }

  /// The agreement report of `dataset`, over one batch or one guideline version when given.
  public func annotationReport(dataset: String, batch: Int?, guidelines: Int?, bootstrap: Int, seed: UInt64) throws -> AnnotationReport {
    let labels = try self.labels(dataset)  // the name is checked before anything else
    let schema = try requireLabelSchema()
    var entries = labels.entries.filter { $0.value >= 0 }
    let skips = labels.entries.count - entries.count
    if let batch {
      let batchOf = try batches(dataset)
      guard batchOf.values.contains(batch) else {
        throw LifecycleError.invalidValue(what: "--batch", reason: "dataset '\(dataset)' has batches 1 to \(batchOf.values.max() ?? 0)")
      }
      entries = entries.filter { batchOf[labels.items[Int($0.item)]] == batch }
    }
    let allForTrend = entries
    if let guidelines { entries = entries.filter { Int($0.guidelines) == guidelines } }
    guard let built = try LabelTable(labels, entries: entries, order: schema.categoryOrder) else {
      throw entries.isEmpty
        ? AnnotationError.noLabels(dataset: dataset)
        : LifecycleError.invalidValue(what: "report", reason: "no item has two labels yet in this selection, so there is no agreement to measure")
    }
    let agreement = AgreementReport.analyze(
      built.table, level: schema.level, coderNames: built.coders, bootstrap: bootstrap, seed: seed, jobs: concurrently)

    // Gold.
    let answers = try gold(dataset)?.0.answers ?? [:]
    var goldCounts: [String: (Int, Int)] = [:]
    for e in entries {
      guard let answer = answers[labels.items[Int(e.item)]] else { continue }
      let name = labels.annotators[Int(e.annotator)]
      let correct = labels.values[Int(e.value)] == answer ? 1 : 0
      let (answered, right) = goldCounts[name] ?? (0, 0)
      goldCounts[name] = (answered + 1, right + correct)
    }
    let goldRows = goldCounts.keys.sorted().map { name in
      let (answered, correct) = goldCounts[name]!
      return AnnotationReport.GoldAccuracy(
        annotator: name, answered: answered, correct: correct, accuracy: .value(Double(correct) / Double(answered)))
    }
    let answeredAll = goldRows.reduce(0) { $0 + $1.answered }
    let goldOverall: Estimate =
      answers.isEmpty
      ? .undefined("no gold answers are set (mlw manager gold set)")
      : answeredAll == 0
        ? .undefined("no gold item is labelled yet in this selection")
        : .value(Double(goldRows.reduce(0) { $0 + $1.correct }) / Double(answeredAll))

    // Trend across guideline versions.
    var trend: [AnnotationReport.VersionTrend] = []
    for version in Set(allForTrend.map { Int($0.guidelines) }).sorted() {
      let subset = allForTrend.filter { Int($0.guidelines) == version }
      let goldSubset = subset.filter { answers[labels.items[Int($0.item)]] != nil }
      let goldAccuracy: Estimate =
        goldSubset.isEmpty
        ? .undefined("no gold item labelled under this version")
        : .value(Double(goldSubset.filter { labels.values[Int($0.value)] == answers[labels.items[Int($0.item)]] }.count) / Double(goldSubset.count))
      guard let t = try LabelTable(labels, entries: subset, order: schema.categoryOrder) else {
        trend.append(
          .init(
            guidelines: version, items: 0, labels: subset.count, krippendorffAlpha: .undefined("no item has two labels under this version"),
            percentAgreement: .undefined("no item has two labels under this version"),
            fleissKappa: .undefined("no item has two labels under this version"),
            gwetAC1: .undefined("no item has two labels under this version"), alphaChange: nil, goldAccuracy: goldAccuracy))
        continue
      }
      // With one version and no other filter, the subset is the whole selection: reuse it.
      let r = subset.count == entries.count ? agreement : AgreementReport.analyze(t.table, level: schema.level, coderNames: t.coders)
      let previous = trend.last?.krippendorffAlpha.value
      trend.append(
        .init(
          guidelines: version, items: t.units.count - t.singles, labels: t.table.ratingCount, krippendorffAlpha: r.krippendorffAlpha,
          percentAgreement: r.percentAgreement, fleissKappa: r.fleissKappa, gwetAC1: r.gwetAC1,
          alphaChange: previous.flatMap { p in r.krippendorffAlpha.value.map { $0 - p } }, goldAccuracy: goldAccuracy))
    }

    // Multi-label: each label's presence as a yes/no decision.
    var perLabel: [AnnotationReport.LabelPresence]?
    if schema.task == .multiLabel {
      perLabel = try schema.labelNames.map { name in
        let present = labels.values.map { $0.split(separator: "+").contains(Substring(name)) ? "yes" : "no" }
        let yesNo = built.table.categoryOf.map { present[Self.valueIndex(built.table.categories[Int($0)], in: labels.values)] }
        let binary = try RatingTable(
          unitCount: built.table.unitCount, coderCount: built.table.coderCount, values: ["no", "yes"],
          unitOf: Self.unitsOfRatings(built.table), coderOf: built.table.coderOf, valueOf: yesNo.map { $0 == "yes" ? 1 : 0 })
        let r = AgreementReport.analyze(binary, level: .nominal, coderNames: built.coders)
        return .init(label: name, krippendorffAlpha: r.krippendorffAlpha, percentAgreement: r.percentAgreement)
      }
    }

    let overall = agreement.krippendorffAlpha.value
    let weakCategories = agreement.perCategory.compactMap { c -> AnnotationReport.Drag? in
      guard let overall, let a = c.krippendorffAlpha.value, a < overall else { return nil }
      return .init(
        name: c.category, alpha: c.krippendorffAlpha, reason: String(format: "alpha %.3f against the rest, below %.3f overall", a, overall))
    }.sorted { ($0.alpha.value ?? 0) < ($1.alpha.value ?? 0) }
    let weakAnnotators = agreement.perCoder.compactMap { c -> AnnotationReport.Drag? in
      guard let overall, let without = c.krippendorffAlphaWithout?.value, without > overall else { return nil }
      return .init(
        name: c.coder, alpha: c.krippendorffAlphaWithout ?? .undefined(""),
        reason: String(format: "alpha would be %.3f without them (+%.3f)", without, without - overall))
    }.sorted { ($0.alpha.value ?? 0) > ($1.alpha.value ?? 0) }

    return AnnotationReport(
      scope: .init(dataset: dataset, batch: batch, guidelines: guidelines), task: schema.task, items: built.units.count - built.singles,
      singleLabelled: built.singles, skips: skips, agreement: agreement, perLabel: perLabel, gold: goldRows, goldOverall: goldOverall,
      trend: trend, weakCategories: weakCategories, weakAnnotators: weakAnnotators)
  }

  private static func valueIndex(_ value: String, in values: [String]) -> Int { values.firstIndex(of: value)! }

  private static func unitsOfRatings(_ table: RatingTable) -> [Int32] {
    var units = [Int32](repeating: 0, count: table.ratingCount)
    for u in 0..<table.unitCount {
      for i in table.unitStart[u]..<table.unitStart[u + 1] { units[i] = Int32(u) }
    }
    return units
  }
}
