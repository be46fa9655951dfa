import Foundation

/// The bias/variance diagnosis against human-level performance (DOMAIN.md, "Diagnosis against
/// HLP"; Ng, Machine Learning Yearning, ch. 20–32): human-level error stands in for the Bayes
/// error, avoidable bias = training error − human error, variance = dev error − training error.
/// With a train-dev error (held out from the training distribution), data mismatch = dev error −
/// train-dev error and variance = train-dev − training. With a test error, a test error far above
/// the dev error means the model over-fit the dev (validation) set.
///
/// Errors are in whatever unit they are given (fractions or percent); differences are rounded to
/// 10 decimals so that 10 − 8 is 2, not 2.0000000000000004.
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

  static func rounded(_ x: Double) -> Double { (x * 1e10).rounded() / 1e10 }

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
      notes.append("test error is \(gap) above dev error: watch for over-fitting the validation set")
    }
    return Diagnosis(
      metric: metric, humanError: humanError, humanBaseline: humanBaseline, trainError: train, trainDevError: trainDev,
      devError: dev, testError: test, avoidableBias: bias, variance: variance, dataMismatch: mismatch, validationGap: gap,
      focus: focus, nextSteps: steps, notes: notes)
  }
}

extension Workspace {
  /// Diagnoses a model from its errors on the training, (train-dev,) dev and (test) sets against
  /// the workspace's human-level baseline for `metric` (the best one, or `baselineID`). A metric
  /// where higher is better (accuracy, f1, …) is converted to an error, 1 − value, or 100 − value
  /// when the figures are percentages (any of them above 1).
  public func diagnose(
    metric: String, train: Double, trainDev: Double?, dev: Double, test: Double?, baselineID: String?
  ) throws -> Diagnosis {
    for (name, value) in [("--train", train), ("--dev", dev)]
      + [trainDev.map { ("--train-dev", $0) }, test.map { ("--test", $0) }].compactMap({ $0 })
    where !(value.isFinite && value >= 0) {
      throw LifecycleError.invalidValue(what: name, reason: "\(value) is not a non-negative number")
    }
    let humans = try baselines().filter { $0.baseline.type == .humanLevel }
    let chosen: StoredBaseline
    if let baselineID {
      guard let named = try baselines().first(where: { $0.id == baselineID }) else {
        throw LifecycleError.unknownRecord(path: "\(Baseline.folder)/\(baselineID)", known: try baselines().map { "\(Baseline.folder)/\($0.id)" })
      }
      guard named.baseline.type == .humanLevel else {
        throw LifecycleError.invalidValue(
          what: "--baseline", reason: "'\(baselineID)' is a \(named.baseline.type.rawValue) baseline; the diagnosis needs a human-level one")
      }
      chosen = named
    } else {
      guard let best = Workspace.bestBaselines(humans).first(where: { $0.metric == metric }),
        let stored = humans.first(where: { $0.id == best.id })
      else {
        throw LifecycleError.invalidValue(
          what: "diagnosis",
          reason:
            "no human-level baseline records '\(metric)'; an SME adds one (mlw sme baseline add ID --type human-level --metric \(metric)=VALUE …)")
      }
      chosen = stored
    }
    guard let human = chosen.baseline.metrics[metric] else {
      throw LifecycleError.invalidValue(
        what: "--baseline", reason: "'\(chosen.id)' records no '\(metric)' (it has: \(chosen.baseline.metrics.keys.sorted().joined(separator: ", ")))"
      )
    }
    let values = [human, train, dev] + [trainDev, test].compactMap { $0 }
    let asError: (Double) -> Double
    if Baseline.lowerIsBetter(metric) {
      asError = { $0 }
    } else {
      let scale = values.contains { $0 > 1 } ? 100.0 : 1.0
      asError = { Diagnosis.rounded(scale - $0) }
    }
    return Diagnosis.diagnose(
      metric: metric, humanError: asError(human), humanBaseline: chosen.id, train: asError(train), trainDev: trainDev.map(asError),
      dev: asError(dev), test: test.map(asError))
  }
}
