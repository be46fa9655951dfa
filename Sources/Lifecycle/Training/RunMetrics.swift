import Foundation
import Statistics
import VersionedStore

/// A metric value as it is stored and sent: a JSON number, or for a value that is not finite (a
/// diverged loss) the strings `"NaN"`, `"Infinity"`, `"-Infinity"`, kept rather than dropped.
public struct MetricValue: Codable, Sendable, Equatable, CustomStringConvertible {
  public var value: Double

  public init(_ value: Double) { self.value = value }

  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if let number = try? container.decode(Double.self) {
      value = number
      return
    }
    let text = try container.decode(String.self)
    guard let parsed = MetricValue.nonFinite(text) else {
      throw DecodingError.dataCorruptedError(in: container, debugDescription: "'\(text)' is not a number, NaN, Infinity or -Infinity")
    }
    value = parsed
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    if value.isFinite { try container.encode(value) } else { try container.encode(MetricValue.text(of: value)) }
  }

  public var json: JSONValue { value.isFinite ? .double(value) : .string(MetricValue.text(of: value)) }

  static func text(of value: Double) -> String { value.isNaN ? "NaN" : value > 0 ? "Infinity" : "-Infinity" }

  static func nonFinite(_ text: String) -> Double? {
    switch text {
    case "NaN", "nan": .nan
    case "Infinity", "inf", "+inf", "+Infinity": .infinity
    case "-Infinity", "-inf": -.infinity
    default: nil
    }
  }

  /// Parses a value given on the command line: a decimal number, or NaN, Infinity, -Infinity.
  public static func parse(_ text: String, what: String) throws -> MetricValue {
    if let special = nonFinite(text) { return MetricValue(special) }
    guard Figure.isDecimal(text), let value = Double(text), value.isFinite else {
      throw LifecycleError.invalidValue(what: what, reason: "'\(text)' is not a number (NaN, Infinity and -Infinity are kept as such)")
    }
    return MetricValue(value)
  }

  public var description: String { value.isFinite ? Figure.format(value) : MetricValue.text(of: value) }
}

/// One point of a run's metric log, `runs/<id>/metrics.jsonl` (kind `metric`). The full name
/// of the metric is `<split>.<metric>` when it was logged with a split. Schema:
/// `schemas/kinds/metric.schema.json`.
public struct MetricPoint: Codable, Sendable, Equatable {
  public static let kind = "metric"
  public static let schemaVersion = 1

  public var metric: String
  public var value: MetricValue
  public var step: Int?
  public var split: String?

  public init(metric: String, value: MetricValue, step: Int?, split: String?) {
    self.metric = metric
    self.value = value
    self.step = step
    self.split = split
  }

  /// A point read from its JSON form, or nil when it is not one.
  init?(json: JSONValue) {
    guard case .object(let fields) = json, let metric = fields["metric"]?.stringValue else { return nil }
    switch fields["value"] {
    case .int(let i)?: value = MetricValue(Double(i))
    case .double(let d)?: value = MetricValue(d)
    case .string(let text)?:
      guard let special = MetricValue.nonFinite(text) else { return nil }
      value = MetricValue(special)
    default: return nil
    }
    self.metric = metric
    switch fields["step"] {
    case nil, .null?: step = nil
    case let s?:
      guard let n = s.intValue else { return nil }
      step = n
    }
    switch fields["split"] {
    case nil, .null?: split = nil
    case let s?:
      guard let text = s.stringValue else { return nil }
      split = text
    }
  }

  /// `dev.f1`, or `f1` without a split.
  public var name: String { split.map { "\($0).\(metric)" } ?? metric }

  /// Checks a metric name: like `f1`, `loss`, `precision[defect]` or `accuracy[tag=clean]`.
  public static func checkName(_ name: String, what: String) throws {
    guard MetricPoint.problem(with: name) == nil else {
      throw LifecycleError.invalidValue(
        what: what, reason: "metric name '\(name)' must be like f1, val_loss or f1[defect] (letters, digits, . _ - and one [..] at the end)")
    }
  }

  /// Why `name` cannot be a metric name, or nil.
  static func problem(with name: String) -> String? {
    var base = Substring(name)
    if let open = name.firstIndex(of: "[") {
      guard name.hasSuffix("]") else { return "unclosed [" }
      let inner = name[name.index(after: open)..<name.index(before: name.endIndex)]
      guard !inner.isEmpty, inner.count <= 200, inner.allSatisfy({ $0.isLetter || $0.isNumber || "._-=:/@ ".contains($0) }) else {
        return "bad [..]"
      }
      base = name[..<open]
    }
    // `metrics.NAME.min` in a filter names a figure of NAME.
    if let last = base.split(separator: ".").last, ["min", "max", "best", "last"].contains(last) { return "ends in .\(last)" }
    return Name.problem(with: String(base))
  }
}

/// A metric's figures over a run: the latest, the extremes, and the best by its direction.
public struct MetricSummary: Sendable, Encodable, Equatable {
  public var name: String
  public var direction: MetricDirection
  public var points: Int
  /// The value logged last (the highest step when steps are given).
  public var last: MetricValue
  public var lastStep: Int?
  /// Over the values that are numbers (NaN left out); nil when none is.
  public var min: MetricValue?
  public var max: MetricValue?
  public var best: MetricValue?
}

/// Every point of one metric of a run, in log order.
public struct MetricHistory: Sendable {
  public var run: String
  public var name: String
  public var direction: MetricDirection
  /// Each point's step (nil: logged without one), value and time (ISO 8601, as logged).
  public var steps: [Int?]
  public var values: [Double]
  public var times: [String]
  /// The version of the evaluation whose figure is the last point, when one is.
  public var evaluation: Int?
}

extension MetricSummary {
  /// The direction of a full metric name: that of its last part (`dev.f1` is f1's).
  static func direction(of name: String) -> MetricDirection {
    MetricDirection.resolve(name.split(separator: ".").last.map(String.init) ?? name).direction
  }

  /// The summary of a metric's figures.
  init(name: String, figures: MetricFigures) {
    self.name = name
    direction = Self.direction(of: name)
    points = figures.points
    last = MetricValue(figures.last)
    lastStep = figures.lastStep
    min = figures.min.map(MetricValue.init)
    max = figures.max.map(MetricValue.init)
    best = (direction == .higher ? figures.max : figures.min).map(MetricValue.init)
  }
}

/// A metric's figures, kept point by point in log order: how many, the latest (the last of those
/// with the highest step, a point without a step counting as lowest; so the last point when none
/// has a step), the highest step, and the extremes over the values that are numbers (NaN left
/// out; the first of equal values).
struct MetricFigures: Sendable {
  var points = 0
  var last = 0.0
  var lastStep: Int?
  var maxStep: Int?
  var min: Double?
  var max: Double?

  mutating func add(_ value: Double, step: Int?) {
    if points == 0 || (step ?? .min) >= (lastStep ?? .min) {
      last = value
      lastStep = step
    }
    points += 1
    if let step, step > maxStep ?? .min { maxStep = step }
    if !value.isNaN {
      if min.map({ value < $0 }) ?? true { min = value }
      if max.map({ value > $0 }) ?? true { max = value }
    }
  }

  /// Adds the figures of the points that follow these in the log.
  mutating func append(_ later: MetricFigures) {
    guard later.points > 0 else { return }
    guard points > 0 else {
      self = later
      return
    }
    if (later.lastStep ?? .min) >= (lastStep ?? .min) {
      last = later.last
      lastStep = later.lastStep
    }
    points += later.points
    if let step = later.maxStep, step > maxStep ?? .min { maxStep = step }
    if let low = later.min, min.map({ low < $0 }) ?? true { min = low }
    if let high = later.max, max.map({ high > $0 }) ?? true { max = high }
  }
}

/// A batch of points for `logMetrics`, as given.
public struct MetricInput: Sendable {
  public var point: MetricPoint
  public var time: Date?

  public init(point: MetricPoint, time: Date?) {
    self.point = point
    self.time = time
  }

  /// Reads JSON Lines `{"metric","value","step","split","time"}`; every line is checked before
  /// anything is logged. `time` is ISO 8601 or seconds since 1970.
  public static func read(file: String, given: String) throws -> [MetricInput] {
    let bytes = TextBytes.withoutBOM(try FileIO.read(file))
    var result: [MetricInput] = []
    var line = 0
    for raw in bytes.split(separator: 0x0A, omittingEmptySubsequences: false) {
      line += 1
      if raw.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      let json: JSONValue
      do { json = try JSONValue.parse(raw) } catch {
        throw InputError(file: given, line: line, "not a JSON object: \(error)")
      }
      guard case .object(let fields) = json else { throw InputError(file: given, line: line, "not a JSON object") }
      for key in fields.keys where !["metric", "value", "step", "split", "time"].contains(key) {
        throw InputError(file: given, line: line, "unknown key '\(key)' (the keys are metric, value, step, split, time)")
      }
      guard let metric = fields["metric"]?.stringValue else { throw InputError(file: given, line: line, "needs \"metric\": a name") }
      guard MetricPoint.problem(with: metric) == nil else {
        throw InputError(file: given, line: line, "metric name '\(metric)' must be like f1, val_loss or f1[defect]")
      }
      let value: Double
      switch fields["value"] {
      case .int(let i)?: value = Double(i)
      case .double(let d)?: value = d
      case .string(let s)? where MetricValue.nonFinite(s) != nil: value = MetricValue.nonFinite(s)!
      default: throw InputError(file: given, line: line, "\"value\" must be a number, or \"NaN\", \"Infinity\", \"-Infinity\"")
      }
      var step: Int?
      if let s = fields["step"], s != .null {
        guard let n = s.intValue, n >= 0 else { throw InputError(file: given, line: line, "\"step\" must be a whole number from 0") }
        step = n
      }
      var split: String?
      if let s = fields["split"], s != .null {
        guard let name = s.stringValue, Name.problem(with: name) == nil else {
          throw InputError(file: given, line: line, "\"split\" must be a name like train or dev")
        }
        split = name
      }
      var time: Date?
      switch fields["time"] {
      case nil, .null?: break
      case .string(let text)?:
        guard let date = Timestamp.parse(text) else { throw InputError(file: given, line: line, "\"time\" '\(text)' is not ISO 8601") }
        time = date
      case let number? where number.doubleValue != nil && number.doubleValue! >= 0 && number.doubleValue! < 32_503_680_000:
        time = Date(timeIntervalSince1970: number.doubleValue!)
      default: throw InputError(file: given, line: line, "\"time\" must be ISO 8601 or seconds since 1970")
      }
      result.append(MetricInput(point: MetricPoint(metric: metric, value: MetricValue(value), step: step, split: split), time: time))
    }
    guard !result.isEmpty else { throw InputError(file: given, "no points") }
    return result
  }
}

extension Workspace {
  /// The metric log of run `id`.
  public func metricLog(_ id: String) -> EventLog {
    EventLog(path: documents.folder(Run.path(id)) + "/metrics.jsonl", kind: MetricPoint.kind, schemaVersion: MetricPoint.schemaVersion)
  }

  /// Appends `points` to run `id`'s log as one batch (one fsync). A finished run takes no points.
  @discardableResult
  public func logMetrics(_ id: String, _ points: [MetricInput], actor: Actor, now: Date) throws -> Int {
    let current = try run(id)
    guard current.run.status == .running else {
      throw LifecycleError.invalidValue(what: "run", reason: "run '\(id)' is \(current.run.status.rawValue); points go to a running run")
    }
    if let splits = current.run.splits {
      for input in points {
        guard let split = input.point.split, splits.counts[split] == nil else { continue }
        throw LifecycleError.invalidValue(
          what: "--split", reason: "run '\(id)' has the splits \(splits.counts.keys.sorted().joined(separator: ", ")), not '\(split)'")
      }
    }
    let drafts = try points.map { input in
      EventDraft(author: actor.name, role: actor.role.rawValue, time: input.time ?? now, body: try JSONValue(encoding: input.point))
    }
    return try metricLog(id).append(batch: drafts).count
  }

  /// Every point of run `id`, in log order.
  public func metricPoints(_ id: String) throws -> [(point: MetricPoint, time: Date)] {
    let log = metricLog(id)
    return try log.read().events.map { event in
      // Read by hand: a run list reads every run's points, and Codable would be most of its time.
      guard let point = MetricPoint(json: event.body) else {
        throw StoreError.corrupt(file: log.path, reason: "event \(event.seq) is not a metric point {metric, value, step, split}")
      }
      return (point, event.time)
    }
  }

  /// Every point of metric `name` of run `id` (`train.loss`, `dev.f1`), in log order; then,
  /// as `metricSummaries` counts it, the figure of that name of the split's latest evaluation.
  public func metricHistory(_ id: String, name: String) throws -> MetricHistory {
    _ = try run(id)
    let logged = try MetricLogScanner.history(metricLog(id), name: name)
    var history = MetricHistory(
      run: id, name: name, direction: MetricSummary.direction(of: name), steps: logged.steps, values: logged.values, times: logged.times,
      evaluation: nil)
    for stored in try evaluations(of: id) where Evaluation.headline.contains(where: { "\(stored.evaluation.split).\($0)" == name }) {
      guard let value = stored.evaluation.metrics[String(name.dropFirst(stored.evaluation.split.count + 1))] else { continue }
      history.steps.append(logged.steps.compactMap { $0 }.max().map { $0 + 1 })
      history.values.append(value)
      history.times.append(Timestamp.format(stored.time))
      history.evaluation = stored.version
    }
    guard !history.values.isEmpty else {
      let known = try metricSummaries(id).map(\.name)
      throw StoreError.notFound(
        what: "metric '\(InputError.shown(name))' of run '\(id)'",
        hint: known.isEmpty ? "it has no metrics yet" : "it has: \(known.prefix(20).joined(separator: ", "))\(known.count > 20 ? ", …" : "")")
    }
    return history
  }

  /// Each metric's summary, by name: the logged points, then each split's latest evaluation's
  /// headline figures as the latest points of that split (`dev.f1`).
  public func metricSummaries(_ id: String) throws -> [MetricSummary] {
    var byName = try MetricLogScanner.figures(metricLog(id))
    for stored in try evaluations(of: id) {
      for name in Evaluation.headline {
        guard let value = stored.evaluation.metrics[name] else { continue }
        let full = "\(stored.evaluation.split).\(name)"
        let step = byName[full]?.maxStep.map { $0 + 1 }  // after the logged points, when they have steps
        byName[full, default: MetricFigures()].add(value, step: step)
      }
    }
    return byName.keys.sorted().map { MetricSummary(name: $0, figures: byName[$0]!) }
  }
}
