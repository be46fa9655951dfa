import Foundation
import Statistics

/// The bias/variance diagnosis against human-level performance (DOMAIN.md, "Diagnosis against
/// HLP"; Ng, Machine Learning Yearning, ch. 20–32): human-level error stands in for the Bayes
/// error, avoidable bias = training error − human error, variance = dev error − training error.
/// With a train-dev error (held out from the training distribution), data mismatch = dev error −
/// train-dev error and variance = train-dev − training. With a test error, a test error far above
/// the dev error means the model over-fit the dev (validation) set.
///
/// Errors are in one unit (`unit`: fractions or percent; `Workspace.diagnose` converts what it is
/// given); differences are rounded to 10 decimals so that 10 − 8 is 2, not 2.0000000000000004.
public struct Diagnosis: Sendable, Encodable, Equatable {
  public enum Focus: String, Sendable, Encodable {
    case bias, variance
    case dataMismatch = "data-mismatch"
    case validationOverfit = "validation-overfit"
    case balanced
  }

  public var metric: String
  public var humanError: Double
  public var humanBaseline: String
  public var trainError: Double
  public var trainDevError: Double?
  public var devError: Double
  public var testError: Double?
  public var avoidableBias: Double
  public var variance: Double
  public var dataMismatch: Double?
  /// Test error − dev error, when a test error is given.
  public var validationGap: Double?
  public var focus: Focus
  public var nextSteps: [String]
  public var notes: [String]
  /// The unit every figure is in, for a rate (nil for a metric such as a loss).
  public var unit: FigureUnit?

  static let underfittingSteps = [
    "train a bigger model", "reduce regularisation", "do error analysis", "try a different state-of-the-art model",
    "tune hyperparameters", "add features",
  ]
  static let overfittingSteps = [
    "get more training data", "add normalisation (batch or layer norm)", "add regularisation (dropout, L1/L2)",
    "augment the data", "do error analysis", "try a different model", "tune hyperparameters",
  ]
  static let mismatchSteps = [
    "analyse the dev/test errors and collect training data that matches them", "synthesise matching data",
    "try domain adaptation",
  ]
  static let validationOverfitSteps = ["collect a larger validation (dev) set"]

  /// `x` to 10 decimals (no binary noise); large values as they are (no overflow).
  static func rounded(_ x: Double) -> Double { x.magnitude < 1e6 ? (x * 1e10).rounded() / 1e10 : x }

  public static func diagnose(
    metric: String, humanError: Double, humanBaseline: String, train: Double, trainDev: Double?, dev: Double, test: Double?
  ) -> Diagnosis {
    let bias = rounded(train - humanError)
    let variance = rounded((trainDev ?? dev) - train)
    let mismatch = trainDev.map { rounded(dev - $0) }
    let gap = test.map { rounded($0 - dev) }
    var notes: [String] = []
    if bias < 0 {
      notes.append(
        "training error is below the human-level error: the human baseline is loose (measure a higher rung: specialists or a mixture of experts) or the model over-fits the training set"
      )
    }
    // The largest gap names the focus; equal largest gaps are 'balanced'.
    var gaps: [(Focus, Double)] = [(.bias, bias), (.variance, variance)]
    if let mismatch { gaps.append((.dataMismatch, mismatch)) }
    if let gap { gaps.append((.validationOverfit, gap)) }
    let largest = gaps.map(\.1).max()!
    let leaders = gaps.filter { $0.1 == largest }
    let focus: Focus = largest <= 0 ? .balanced : (leaders.count > 1 ? .balanced : leaders[0].0)
    var steps: [String]
    switch focus {
    case .bias: steps = Diagnosis.underfittingSteps
    case .variance: steps = Diagnosis.overfittingSteps
    case .dataMismatch: steps = Diagnosis.mismatchSteps
    case .validationOverfit: steps = Diagnosis.validationOverfitSteps
    case .balanced:
      steps = Array(
        Set(
          leaders.flatMap { lead -> [String] in
            switch lead.0 {
            case .bias: Diagnosis.underfittingSteps
            case .variance: Diagnosis.overfittingSteps
            case .dataMismatch: Diagnosis.mismatchSteps
            case .validationOverfit: Diagnosis.validationOverfitSteps
            case .balanced: []
            }
          })
      ).sorted()
      if largest <= 0 { notes.append("no gap is positive: the model is at human level on every split") }
    }
    if let gap, gap > 0, focus != .validationOverfit {
      notes.append("test error is \(Figure.format(gap)) above dev error: watch for over-fitting the validation set")
    }
    return Diagnosis(
      metric: metric, humanError: humanError, humanBaseline: humanBaseline, trainError: train, trainDevError: trainDev,
      devError: dev, testError: test, avoidableBias: bias, variance: variance, dataMismatch: mismatch, validationGap: gap,
      focus: focus, nextSteps: steps, notes: notes, unit: nil)
  }
}

/// The figures of a diagnosis as the user wrote them (`0.08` or `8%`).
public struct DiagnosisFigures: Sendable {
  public var train: Figure
  public var trainDev: Figure?
  public var dev: Figure
  public var test: Figure?
  /// A human-level figure given directly, instead of a recorded baseline.
  public var human: Figure?

  public init(train: Figure, trainDev: Figure?, dev: Figure, test: Figure?, human: Figure?) {
    self.train = train
    self.trainDev = trainDev
    self.dev = dev
    self.test = test
    self.human = human
  }
}

extension Workspace {
  /// The metric a human-level baseline may record instead of `metric`, one being 1 − the other.
  static func complement(of metric: String) -> String? {
    switch metric {
    case "accuracy": "error"
    case "error": "accuracy"
    default: nil
    }
  }

  /// Diagnoses a model from its figures on the training, (train-dev,) dev and (test) sets
  /// against human level: `figures.human`, or the workspace's human-level baseline for `metric`
  /// (the best one, or `baselineID`; for accuracy, one that records error will do, and back).
  ///
  /// Units: a figure written `8%` is a percentage; a bare number is in `unit`, which defaults to
  /// the unit the baseline recorded its figure in (a fraction for older baselines). Every figure
  /// is converted into that one unit and a note says so; a bare figure that cannot be in it
  /// (8 as a fraction) is refused with a message that names both units. A metric where higher is
  /// better (accuracy, f1, …) is converted to an error, 1 − value (100 − value in percent).
  public func diagnose(metric: String, figures: DiagnosisFigures, unit given: FigureUnit?, baselineID: String?) throws -> Diagnosis {
    let rate = Figure.isRate(metric)
    if given != nil, !rate {
      throw LifecycleError.invalidValue(what: "--unit", reason: "'\(metric)' is not a rate, so its figures have no fraction or percent unit")
    }
    var notes: [String] = []
    // Human level: given, or the baseline's figure (maybe of the complementary metric).
    var human: Figure
    var humanMetric = metric
    let humanSource: String
    let humanSaid: String
    if let figure = figures.human {
      human = figure
      humanSource = "--human"
      humanSaid = "--human"
    } else {
      let chosen = try humanBaseline(metric: metric, id: baselineID)
      humanMetric = chosen.metric
      human = Figure(value: chosen.stored.baseline.metrics[humanMetric]!, unit: chosen.stored.baseline.units?[humanMetric] ?? .fraction)
      humanSource = chosen.stored.id
      humanSaid = "\(humanMetric)=\(chosen.stored.baseline.shown(humanMetric)) in baseline '\(chosen.stored.id)'"
      if humanMetric != metric {
        notes.append(
          "baseline '\(chosen.stored.id)' records \(humanMetric), not \(metric): human-level \(metric) is taken as 1 − its \(humanMetric)")
      }
    }
    // The one unit every figure is put in.
    let written = [figures.human, figures.train, figures.trainDev, figures.dev, figures.test].compactMap { $0 }
    if rate, given == nil, figures.human != nil, written.contains(where: { $0.unit == .percent }), written.contains(where: { $0.unit == nil }) {
      throw LifecycleError.invalidValue(
        what: "figures",
        reason:
          "some are written as percentages and some as bare numbers, which could be fractions or percent; write all with % or none, or pass --unit fraction|percent"
      )
    }
    let unit: FigureUnit = given ?? (written.contains { $0.unit == .percent } && figures.human != nil ? .percent : human.unit ?? .fraction)
    let unitWhy =
      given != nil
      ? "the unit --unit gives"
      : (figures.human == nil
        ? "the unit of \(humanSaid)" : (unit == .percent ? "the unit the figures are written in" : "which bare numbers are without --unit"))
    func place(_ figure: Figure, _ option: String) throws -> Double {
      if figure.value < 0 {
        throw LifecycleError.invalidValue(what: option, reason: "\(Figure.format(figure.value)) is negative; give a figure of 0 or more")
      }
      guard rate else { return figure.value }
      guard let written = figure.unit else {
        let top = unit == .percent ? 100.0 : 1.0
        if figure.value > top {
          throw LifecycleError.invalidValue(
            what: option,
            reason: unit == .fraction
              ? "\(Figure.format(figure.value)) is above 1, so it is not a fraction, \(unitWhy); write \(Figure.format(figure.value))% (or \(Figure.format(figure.value / 100))), or pass --unit percent"
              : "\(Figure.format(figure.value)) is above 100, so it is not a percentage, \(unitWhy)")
        }
        return figure.value
      }
      let converted = Diagnosis.rounded(written.convert(figure.value, to: unit))
      if converted > (unit == .percent ? 100 : 1) {
        throw LifecycleError.invalidValue(
          what: option,
          reason: "\(Figure.format(converted))\(unit == .percent ? "%" : "") is above \(unit == .percent ? "100%" : "1"), which a rate cannot be")
      }
      if written != unit {
        notes.append(
          "\(option) \(Figure.format(figure.value))\(written == .percent ? "%" : "") is \(Figure.format(converted))\(unit == .percent ? "%" : "") (in \(unit == .percent ? "percent" : "fractions"): \(unitWhy))"
        )
      }
      return converted
    }
    if rate, unit == .percent, given == .percent, written.allSatisfy({ $0.unit != nil || $0.value < 1 }), written.contains(where: { $0.unit == nil })
    {
      notes.append("every bare figure is below 1%: if they are fractions, leave out --unit percent")
    }
    let direction = MetricDirection.resolve(metric)
    if direction.source == .assumed {
      notes.append("'\(metric)': \(direction.reason); it is turned into an error as 1 − value")
    }
    let humanValue = try place(human, figures.human == nil ? "human level \(humanMetric) (baseline '\(humanSource)')" : "--human")
    let train = try place(figures.train, "--train")
    let trainDev = try figures.trainDev.map { try place($0, "--train-dev") }
    let dev = try place(figures.dev, "--dev")
    let test = try figures.test.map { try place($0, "--test") }
    let scale = unit == .percent ? 100.0 : 1.0
    let lower = Baseline.lowerIsBetter(metric)
    func asError(_ value: Double) -> Double { lower ? value : Diagnosis.rounded(scale - value) }
    // The human figure is already an error when the baseline recorded error for an accuracy
    // diagnosis; it is an accuracy when it recorded accuracy for an error diagnosis.
    let humanLower = Baseline.lowerIsBetter(humanMetric)
    let humanError = humanLower ? humanValue : Diagnosis.rounded(scale - humanValue)
    var diagnosis = Diagnosis.diagnose(
      metric: metric, humanError: humanError, humanBaseline: humanSource, train: asError(train), trainDev: trainDev.map(asError),
      dev: asError(dev), test: test.map(asError))
    diagnosis.unit = rate ? unit : nil
    diagnosis.notes = notes + diagnosis.notes
    return diagnosis
  }

  /// The human-level baseline for `metric`: `id` when given, else the best one recording
  /// `metric`, else the best one recording its complement.
  func humanBaseline(metric: String, id: String?) throws -> (stored: StoredBaseline, metric: String) {
    let all = try baselines()
    let humans = all.filter { $0.baseline.type == .humanLevel }
    let candidates = [metric] + [Workspace.complement(of: metric)].compactMap { $0 }
    if let id {
      guard let named = all.first(where: { $0.id == id }) else {
        throw LifecycleError.unknownRecord(path: "\(Baseline.folder)/\(id)", known: all.map { "\(Baseline.folder)/\($0.id)" })
      }
      guard named.baseline.type == .humanLevel else {
        throw LifecycleError.invalidValue(
          what: "--baseline", reason: "'\(id)' is a \(named.baseline.type.rawValue) baseline; the diagnosis needs a human-level one")
      }
      guard let found = candidates.first(where: { named.baseline.metrics[$0] != nil }) else {
        throw LifecycleError.invalidValue(
          what: "--baseline", reason: "'\(id)' records no '\(metric)' (it has: \(named.baseline.metrics.keys.sorted().joined(separator: ", ")))")
      }
      return (named, found)
    }
    let best = Workspace.bestBaselines(humans)
    for candidate in candidates {
      if let b = best.first(where: { $0.metric == candidate }), let stored = humans.first(where: { $0.id == b.id }) { return (stored, candidate) }
    }
    throw LifecycleError.invalidValue(
      what: "diagnosis",
      reason:
        "no human-level baseline records '\(metric)'; an SME adds one (mlw sme baseline add ID --type human-level --metric \(metric)=VALUE …), or give --human"
    )
  }
}
