import Foundation
import Statistics
import VersionedStore

/// A baseline: a lower bound a model must beat (DOMAIN.md, "Baselines"). Stored at
/// `baselines/<id>/`. Schema: `schemas/kinds/baseline.schema.json`.
public struct Baseline: DocumentBody, Equatable {
  public static let kind = "baseline"
  public static let schemaVersion = 1
  public static let folder = "baselines"

  /// Where the bound comes from.
  public enum Source: String, Codable, Sendable, CaseIterable {
    case humanLevel = "human-level"
    case literature
    case quickAndDirty = "quick-and-dirty"
    case olderSystem = "older-system"
    case ruleBased = "rule-based"
  }

  /// The quality ladder of human baselines, easiest to collect first.
  public enum HumanQuality: String, Codable, Sendable, CaseIterable, Comparable {
    case crowd
    case crowdEnsemble = "crowd-ensemble"
    case domainExpert = "domain-expert"
    case specialist
    case mixtureOfExperts = "mixture-of-experts"

    public static func < (a: HumanQuality, b: HumanQuality) -> Bool {
      allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
  }

  public var type: Source
  /// The ladder step, for a human-level baseline only.
  public var quality: HumanQuality?
  /// How a human-level baseline was measured (who labelled what, how many items).
  public var measured: String?
  /// Metric name → value.
  public var metrics: [String: Double]
  /// The unit of a figure given as a percentage (`error=1%` records `error: percent`); a
  /// metric not named here is in its plain unit (a fraction, for a rate). Older baselines have
  /// no units: their figures are read as fractions.
  public var units: [String: FigureUnit]?
  /// Source or citation.
  public var source: String
  /// When it was measured or published, `YYYY-MM-DD`.
  public var date: String

  public init(
    type: Source, quality: HumanQuality?, measured: String?, metrics: [String: Double], units: [String: FigureUnit]? = nil, source: String,
    date: String
  ) {
    self.type = type
    self.quality = quality
    self.measured = measured
    self.metrics = metrics
    self.units = units?.isEmpty == true ? nil : units
    self.source = source
    self.date = date
  }

  /// Checks what a stored baseline must hold; the message says what to give instead.
  public func validate() throws {
    if type == .humanLevel {
      guard quality != nil else {
        throw LifecycleError.invalidValue(
          what: "baseline", reason: "a human-level baseline needs --quality (\(HumanQuality.allCases.map(\.rawValue).joined(separator: ", ")))")
      }
      guard let measured, !measured.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw LifecycleError.invalidValue(what: "baseline", reason: "a human-level baseline needs --measured: who labelled what, how many items")
      }
    } else if quality != nil {
      throw LifecycleError.invalidValue(what: "baseline", reason: "--quality is for human-level baselines only")
    }
    guard !metrics.isEmpty else { throw LifecycleError.invalidValue(what: "baseline", reason: "give at least one --metric NAME=VALUE") }
    for (metric, value) in metrics.sorted(by: { $0.key < $1.key }) where units?[metric] != .percent && Figure.isKnownRate(metric) {
      guard (0...1).contains(value) else {
        throw LifecycleError.invalidValue(
          what: "--metric",
          reason: "\(metric)=\(Figure.format(value)) is not a fraction from 0 to 1; write \(metric)=\(Figure.format(value))% for a percentage")
      }
    }
    guard !source.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw LifecycleError.invalidValue(what: "baseline", reason: "--source is empty; say where the figure comes from")
    }
    guard Baseline.isDate(date) else { throw LifecycleError.invalidValue(what: "--date", reason: "'\(date)' is not a date like 2026-11-22") }
  }

  static func isDate(_ text: String) -> Bool {
    guard text.count == 10, let date = Timestamp.parse(text + "T00:00:00Z") else { return false }
    return Timestamp.format(date).hasPrefix(text)  // rejects 2026-02-30, which would roll over
  }

  /// Whether lower values of `metric` are better, read from its name as everywhere else
  /// (`MetricDirection`): error, loss, latency, cost, mae, mse, rmse as words, a time unit at
  /// the end; `cost_savings` is a gain. Every other metric (accuracy, f1, …) is higher-better.
  public static func lowerIsBetter(_ metric: String) -> Bool {
    MetricDirection.fromName(metric)?.0 == .lower
  }

  /// Parses `NAME=VALUE`, or `NAME=VALUE%` for a rate given as a percentage.
  public static func parseMetric(_ text: String) throws -> (name: String, value: Double, unit: FigureUnit?) {
    // At the last `=`: a slice-named metric has one of its own (`accuracy[tag=clean]=0.95`).
    let parts =
      text.lastIndex(of: "=").map { [text[..<$0], text[text.index(after: $0)...]] }?.map { String($0).trimmingCharacters(in: .whitespaces) } ?? []
    guard parts.count == 2, !parts[0].isEmpty else {
      throw LifecycleError.invalidValue(what: "--metric", reason: "'\(text)' is not NAME=VALUE, e.g. error=0.012 or error=1.2%")
    }
    guard MetricPoint.problem(with: parts[0]) == nil else {
      throw LifecycleError.invalidValue(
        what: "--metric",
        reason: "metric name '\(parts[0])' must be like f1, recall-defect or accuracy[tag=clean] ([a-z0-9][a-z0-9._-]*, one [..] at the end)")
    }
    let figure = try Figure(parts[1], what: "--metric \(parts[0])", metric: parts[0])
    return (parts[0], figure.value, figure.unit)
  }

  /// The figure of `metric` as a fraction when it was given as a percentage, else as stored.
  public func plainValue(_ metric: String) -> Double? {
    metrics[metric].map { units?[metric] == .percent ? $0 / 100 : $0 }
  }

  /// `1.2%` or `0.012`, as the figure was given.
  public func shown(_ metric: String) -> String {
    guard let value = metrics[metric] else { return "-" }
    return Figure.format(value) + (units?[metric] == .percent ? "%" : "")
  }
}

/// A baseline with its id and who recorded it.
public struct StoredBaseline: Sendable, Encodable, Equatable {
  public var id: String
  public var version: Int
  public var author: String
  public var baseline: Baseline

  enum CodingKeys: String, CodingKey { case id, version, author, type, quality, measured, metrics, units, source, date }

  public func encode(to encoder: any Encoder) throws {
    var c = encoder.container(keyedBy: CodingKeys.self)
    try c.encode(id, forKey: .id)
    try c.encode(version, forKey: .version)
    try c.encode(author, forKey: .author)
    try c.encode(baseline.type, forKey: .type)
    try c.encodeIfPresent(baseline.quality, forKey: .quality)
    try c.encodeIfPresent(baseline.measured, forKey: .measured)
    try c.encode(baseline.metrics, forKey: .metrics)
    try c.encodeIfPresent(baseline.units, forKey: .units)
    try c.encode(baseline.source, forKey: .source)
    try c.encode(baseline.date, forKey: .date)
  }
}

/// The best baseline for one metric.
public struct BestBaseline: Sendable, Encodable, Equatable {
  public var metric: String
  public var lowerIsBetter: Bool
  public var value: Double
  /// `percent` when the figure was given as a percentage (absent: its plain unit).
  public var unit: FigureUnit?
  public var id: String
  public var type: Baseline.Source
}

extension Baseline {
  /// Who records which baseline: human level is the SME's (the Bayes-error proxy is a domain
  /// judgement); the others are the engineer's.
  static func check(_ source: Source, recordedBy role: Role) throws(LifecycleError) {
    switch role {
    case .sme where source != .humanLevel:
      throw .invalidValue(
        what: "--type", reason: "the SME records human-level baselines; an engineer records \(source.rawValue) ones (mlw engineer baseline add)")
    case .engineer where source == .humanLevel:
      throw .invalidValue(what: "--type", reason: "human-level baselines are the SME's to record (mlw sme baseline add)")
    case .sme, .engineer:
      return
    case .lead, .manager, .annotator:
      throw .invalidValue(what: "--type", reason: "baselines are recorded by the SME (human level) or an engineer (the others)")
    }
  }
}

extension Workspace {
  /// Every baseline, by id.
  public func baselines() throws -> [StoredBaseline] {
    let folder = RecordPath(trusted: [Baseline.folder])
    return try documents.children(of: folder).map { id in
      let stored = try documents.read(folder.appending(try Name(id)))
      return StoredBaseline(id: id, version: stored.envelope.version, author: stored.envelope.author, baseline: try stored.body(as: Baseline.self))
    }
  }

  /// Records a baseline. A new id is created; an existing one is replaced only when
  /// `ifVersion` names its current version.
  @discardableResult
  public func recordBaseline(_ idText: String, _ baseline: Baseline, actor: Actor, message: String?, ifVersion: Int?, now: Date) throws
    -> StoredBaseline
  {
    let id = try Name(idText, what: "baseline id")
    try baseline.validate()
    try Baseline.check(baseline.type, recordedBy: actor.role)
    let path = RecordPath(trusted: [Baseline.folder]).appending(id)
    let latest = try documents.latestVersion(of: path)
    if latest > 0, ifVersion == nil {
      throw LifecycleError.invalidValue(
        what: "baseline id", reason: "'\(id)' exists (version \(latest)); pass --if-version \(latest) to replace it, or pick another id")
    }
    let stored = try publish(
      path, baseline, actor: actor, message: message ?? "\(latest > 0 ? "update" : "add") \(baseline.type.rawValue) baseline \(id)",
      expecting: ifVersion ?? 0, now: now)
    return StoredBaseline(id: id.value, version: stored.envelope.version, author: actor.name, baseline: baseline)
  }

  /// The best baseline per metric: the lowest value of a lower-is-better metric, else the
  /// highest, comparing figures given as percentages and as fractions in one unit.
  public static func bestBaselines(_ baselines: [StoredBaseline], types: Set<Baseline.Source>? = nil) -> [BestBaseline] {
    var best: [String: (BestBaseline, plain: Double)] = [:]
    for stored in baselines where types?.contains(stored.baseline.type) ?? true {
      for (metric, value) in stored.baseline.metrics {
        let lower = Baseline.lowerIsBetter(metric)
        let plain = stored.baseline.plainValue(metric)!
        if let current = best[metric], lower ? current.plain <= plain : current.plain >= plain { continue }
        best[metric] = (
          BestBaseline(
            metric: metric, lowerIsBetter: lower, value: value, unit: stored.baseline.units?[metric], id: stored.id, type: stored.baseline.type),
          plain
        )
      }
    }
    return best.keys.sorted().map { best[$0]!.0 }
  }
}

/// The unit of a rate's figure: a fraction (0.08) or a percentage (8%).
public enum FigureUnit: String, Codable, Sendable, CaseIterable {
  case fraction
  case percent

  /// The figure `value` (in this unit) in `other`.
  public func convert(_ value: Double, to other: FigureUnit) -> Double {
    switch (self, other) {
    case (.percent, .fraction): value / 100
    case (.fraction, .percent): value * 100
    default: value
    }
  }
}

/// A figure as a person writes it: `0.08`, or `8%` for a percentage.
public struct Figure: Sendable, Equatable {
  public var value: Double
  /// `.percent` when written with `%`; nil for a bare number, whose unit the context states.
  public var unit: FigureUnit?

  public init(value: Double, unit: FigureUnit?) {
    self.value = value
    self.unit = unit
  }

  /// Parses `0.08` or `8%`. `%` is for rates only (errors, accuracy and the like).
  public init(_ text: String, what: String, metric: String) throws {
    var body = Substring(text.trimmingCharacters(in: .whitespaces))
    if body.hasSuffix("%") {
      body = body.dropLast()
      unit = .percent
      guard Figure.isRate(metric) else {
        throw LifecycleError.invalidValue(
          what: what, reason: "'\(text)': a percentage is for a rate (error, accuracy, …); '\(metric)' is not one, give it in its own unit")
      }
    } else {
      unit = nil
    }
    let digits = body.trimmingCharacters(in: .whitespaces)
    guard Figure.isDecimal(digits), let value = Double(digits), value.isFinite else {
      throw LifecycleError.invalidValue(what: what, reason: "'\(text)' is not a number like 0.08 or 8%")
    }
    if unit == .percent, !(0...100).contains(value) {
      throw LifecycleError.invalidValue(what: what, reason: "'\(text)' is not a percentage from 0% to 100%")
    }
    self.value = value
  }

  /// Whether `text` is a plain decimal number (`8`, `0.08`, `.5`, `1e-3`, signed): not a hex
  /// float, `inf` or `nan`, which `Double(_:)` would also read.
  static func isDecimal(_ text: String) -> Bool {
    var bytes = Substring(text).utf8[...]
    if let first = bytes.first, first == UInt8(ascii: "-") || first == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
    func isDigit(_ b: UInt8) -> Bool { b >= 48 && b <= 57 }
    let whole = bytes.prefix(while: isDigit)
    bytes = bytes.dropFirst(whole.count)
    var fractionDigits = 0
    if bytes.first == UInt8(ascii: ".") {
      bytes = bytes.dropFirst()
      fractionDigits = bytes.prefix(while: isDigit).count
      bytes = bytes.dropFirst(fractionDigits)
    }
    guard !whole.isEmpty || fractionDigits > 0 else { return false }
    if let e = bytes.first, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
      bytes = bytes.dropFirst()
      if let sign = bytes.first, sign == UInt8(ascii: "-") || sign == UInt8(ascii: "+") { bytes = bytes.dropFirst() }
      let exponent = bytes.prefix(while: isDigit)
      guard !exponent.isEmpty else { return false }
      bytes = bytes.dropFirst(exponent.count)
    }
    return bytes.isEmpty
  }

  /// Whether `metric` is a rate, a share between 0 and 1 (or 0% and 100%): a higher-is-better
  /// metric the diagnosis turns into an error (accuracy, f1, …), or an error rate.
  public static func isRate(_ metric: String) -> Bool {
    guard let (direction, word) = MetricDirection.fromName(metric) else { return true }
    return direction == .higher || ["error", "errors", "err", "wer", "cer"].contains(word)
  }

  /// Whether `metric` is by its name a share that cannot exceed 1 as a fraction: an error rate
  /// or a known rate such as accuracy, precision, recall, F1 or AUC (not BLEU, not throughput).
  public static func isKnownRate(_ metric: String) -> Bool {
    let rates: Set<String> = [
      "error", "errors", "err", "wer", "cer", "accuracy", "acc", "precision", "recall", "f1", "f2", "fbeta", "auc", "specificity",
      "sensitivity", "tpr", "tnr", "fpr", "fnr", "ppv", "npv", "iou", "miou", "dice", "ap", "map",
    ]
    let words = metric.lowercased().split(whereSeparator: { "_-. []=".contains($0) }).map(String.init)
    if let (direction, _) = MetricDirection.fromName(metric), direction == .lower, !words.contains(where: rates.contains) { return false }
    return words.contains(where: rates.contains)
  }

  /// A figure for people: up to 10 decimals, no binary noise (0.06, not 0.06000000000000005).
  public static func format(_ value: Double) -> String {
    guard value.isFinite, value.magnitude < 1e6 else { return value.isFinite ? String(value) : "undefined" }
    let rounded = (value * 1e10).rounded() / 1e10
    return rounded == rounded.rounded() && abs(rounded) < 1e15 ? String(Int(rounded)) : String(rounded)
  }
}
