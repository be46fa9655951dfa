/// Classification metrics from true and predicted labels, with scikit-learn's conventions where
/// it has one (stated on each field), and `undefined` with a reason where a figure has no value.
public struct ClassificationReport: Sendable, Encodable {
  public struct PerClass: Sendable, Encodable {
    public var label: String
    /// tp / (tp + fp); undefined for a class never predicted.
    public var precision: Estimate
    /// tp / (tp + fn); undefined for a class absent from the truth.
    public var recall: Estimate
    /// 2 tp / (2 tp + fp + fn), as scikit-learn computes it (defined whenever the class occurs).
    public var f1: Estimate
    public var support: Int
  }

  public struct Averages: Sendable, Encodable {
    public var precision: Estimate
    public var recall: Estimate
    public var f1: Estimate
  }

  public struct CurvePoint: Sendable, Encodable {
    public var threshold: Double
    public var precision: Double
    public var recall: Double
  }

  public struct PrecisionAtRecall: Sendable, Encodable {
    public var requiredRecall: Double
    /// The best precision among thresholds whose recall meets the requirement.
    public var precision: Estimate
    public var threshold: Double?
    public var recall: Double?
  }

  public var labels: [String]
  /// Rows: true label; columns: predicted label; both in `labels` order.
  public var confusionMatrix: [[Int]]
  public var perClass: [PerClass]
  public var accuracy: Estimate
  /// Mean recall over the classes present in the truth (scikit-learn's `balanced_accuracy_score`).
  public var balancedAccuracy: Estimate
  /// Micro averages pool all decisions; for single-label data they all equal accuracy.
  public var micro: Averages
  /// Unweighted mean over classes. A per-class figure that is undefined counts as 0 here, as
  /// scikit-learn's `zero_division=0` does; `warnings` names those classes.
  public var macro: Averages
  /// Mean over classes weighted by support, with the same convention as `macro`.
  public var weighted: Averages
  public var cohenKappa: Estimate
  /// Matthews correlation (Gorodkin's multi-class form, as scikit-learn).
  public var mcc: Estimate
  public var positive: String?
  public var averagePrecision: Estimate?
  public var rocAuc: Estimate?
  public var precisionAtRecall: [PrecisionAtRecall]?
  public var precisionRecallCurve: [CurvePoint]?
  public var warnings: [String]

  /// The most distinct labels a report is made for: its confusion matrix has one cell per pair
  /// (4,096 labels: 16.8 million cells, 134 MB). More is a file of ids or free text, not classes.
  public static let maximumLabels = 4096

  /// Why `count` distinct labels cannot be reported, or nil.
  public static func tooManyLabels(_ count: Int) -> String? {
    count > maximumLabels
      ? "\(count) distinct labels, more than the \(maximumLabels) a classification report is made for (an id or a free-text column?)" : nil
  }

  /// The report for `truth` and `prediction` (same length), labels ordered numerically when all
  /// are numbers, else as text. With `scores` (higher means more `positive`), the binary figures.
  public static func analyze(
    truth: [String], prediction: [String], scores: [Double]? = nil, positive: String? = nil,
    requiredRecalls: [Double] = [0.5, 0.8, 0.9, 0.95], includeCurve: Bool = false
  ) -> ClassificationReport {
    let labels = orderedLabels(Set(truth).union(prediction))
    var index: [String: Int] = [:]
    for (i, label) in labels.enumerated() { index[label] = i }
    let k = labels.count
    var matrix = [[Int]](repeating: [Int](repeating: 0, count: k), count: k)
    for (t, p) in zip(truth, prediction) { matrix[index[t]!][index[p]!] += 1 }
    let binary = scores.flatMap { scores in positive.map { positive in (truth.map { $0 == positive }, scores, positive) } }
    return analyze(labels: labels, confusionMatrix: matrix, binary: binary, requiredRecalls: requiredRecalls, includeCurve: includeCurve)
  }

  /// The report of a confusion matrix (rows: true label, columns: predicted, in `labels`
  /// order, which every label of the matrix's rows or columns must have), as `analyze(truth:…)`
  /// gives for the rows it counts. With `binary`, each row's truth being the positive class and
  /// its score, in one order, and the positive class: the binary figures.
  public static func analyze(
    labels: [String], confusionMatrix matrix: [[Int]], binary: (isPositive: [Bool], scores: [Double], positive: String)? = nil,
    requiredRecalls: [Double] = [0.5, 0.8, 0.9, 0.95], includeCurve: Bool = false
  ) -> ClassificationReport {
    let k = labels.count
    let total = matrix.reduce(0) { $0 + $1.reduce(0, +) }
    var warnings: [String] = []

    var perClass: [PerClass] = []
    var tpSum = 0
    for c in 0..<k {
      let tp = matrix[c][c]
      let support = matrix[c].reduce(0, +)
      let predicted = (0..<k).reduce(0) { $0 + matrix[$1][c] }
      tpSum += tp
      perClass.append(
        PerClass(
          label: labels[c],
          precision: Estimate.ratio(Double(tp), Double(predicted), undefinedBecause: "never predicted"),
          recall: Estimate.ratio(Double(tp), Double(support), undefinedBecause: "absent from the truth"),
          f1: Estimate.ratio(Double(2 * tp), Double(2 * tp + (predicted - tp) + (support - tp)), undefinedBecause: "neither true nor predicted"),
          support: support))
    }
    let neverPredicted = perClass.filter { $0.precision.value == nil }.map(\.label)
    if !neverPredicted.isEmpty {
      warnings.append("never predicted: \(neverPredicted.joined(separator: ", ")); their precision counts as 0 in the macro and weighted averages")
    }
    let notInTruth = perClass.filter { $0.support == 0 }.map(\.label)
    if !notInTruth.isEmpty {
      warnings.append("predicted but absent from the truth: \(notInTruth.joined(separator: ", ")); left out of balanced accuracy")
    }

    func mean(_ values: [Double], weights: [Double]) -> Estimate {
      let w = weights.reduce(0, +)
      return Estimate.ratio(zip(values, weights).reduce(0) { $0 + $1.0 * $1.1 }, w, undefinedBecause: "no data")
    }
    let ones = [Double](repeating: 1, count: k)
    let supports = perClass.map { Double($0.support) }
    func averages(_ weights: [Double]) -> Averages {
      Averages(
        precision: mean(perClass.map { $0.precision.value ?? 0 }, weights: weights),
        recall: mean(perClass.map { $0.recall.value ?? 0 }, weights: weights),
        f1: mean(perClass.map { $0.f1.value ?? 0 }, weights: weights))
    }
    let accuracy = Estimate.ratio(Double(tpSum), Double(total), undefinedBecause: "no rows")
    let recalls = perClass.compactMap { $0.support > 0 ? $0.recall.value : nil }
    var report = ClassificationReport(
      labels: labels, confusionMatrix: matrix, perClass: perClass, accuracy: accuracy,
      balancedAccuracy: Estimate.ratio(recalls.reduce(0, +), Double(recalls.count), undefinedBecause: "no rows"),
      micro: Averages(precision: accuracy, recall: accuracy, f1: accuracy),
      macro: averages(ones), weighted: averages(supports),
      cohenKappa: Agreement.cohenKappa(contingency: matrix.map { $0.map(Double.init) }),
      mcc: matthews(matrix), positive: nil, warnings: warnings)

    if let top = perClass.max(by: { $0.support < $1.support }), total > 0, Double(top.support) / Double(total) >= 0.8, k > 1 {
      let share = Double(top.support) / Double(total)
      report.warnings.append(
        "class '\(top.label)' is \(Int((share * 100).rounded()))% of the truth: always predicting it would score accuracy \(share); read per-class recall, balanced accuracy and MCC"
      )
    }

    if let (isPositive, scores, positive) = binary {
      report.positive = positive
      report.averagePrecision = averagePrecision(isPositive, scores)
      report.rocAuc = rocAuc(isPositive, scores)
      let curve = precisionRecallCurve(isPositive, scores)
      report.precisionAtRecall = requiredRecalls.map { required in
        let best = curve.filter { $0.recall >= required }.max { ($0.precision, -$0.threshold) < ($1.precision, -$1.threshold) }
        return PrecisionAtRecall(
          requiredRecall: required,
          precision: best.map { .value($0.precision) } ?? .undefined("no threshold reaches this recall"),
          threshold: best?.threshold, recall: best?.recall)
      }
      if includeCurve { report.precisionRecallCurve = curve }
    }
    return report
  }

  /// Labels in order: numerically when every label is a number, else by text.
  public static func orderedLabels(_ labels: Set<String>) -> [String] {
    let numbers = labels.map { ($0, Double($0)) }
    if numbers.allSatisfy({ $0.1 != nil }) {
      return numbers.sorted { ($0.1!, $0.0) < ($1.1!, $1.0) }.map(\.0)
    }
    return labels.sorted()
  }

  /// MCC = (c·s − Σ p_k t_k) / √((s² − Σ p_k²)(s² − Σ t_k²)) (Gorodkin 2004); undefined where
  /// scikit-learn returns 0: when all truth or all predictions are one class.
  static func matthews(_ m: [[Int]]) -> Estimate {
    let k = m.count
    var t = [Double](repeating: 0, count: k)
    var p = [Double](repeating: 0, count: k)
    var correct = 0.0
    for i in 0..<k {
      for j in 0..<k {
        t[i] += Double(m[i][j])
        p[j] += Double(m[i][j])
      }
      correct += Double(m[i][i])
    }
    let s = t.reduce(0, +)
    let cov = correct * s - zip(t, p).reduce(0) { $0 + $1.0 * $1.1 }
    let pp = s * s - p.reduce(0) { $0 + $1 * $1 }
    let tt = s * s - t.reduce(0) { $0 + $1 * $1 }
    guard pp * tt > 0 else {
      return .undefined("all true labels or all predictions are one class, so the correlation has no value")
    }
    return .value(cov / (pp * tt).squareRoot())
  }

  /// The precision–recall curve at every distinct score (descending thresholds): predicting
  /// positive for score ≥ threshold.
  public static func precisionRecallCurve(_ isPositive: [Bool], _ scores: [Double]) -> [CurvePoint] {
    let positives = Double(isPositive.filter { $0 }.count)
    guard positives > 0 else { return [] }
    let order = scores.indices.sorted { scores[$0] > scores[$1] }
    var points: [CurvePoint] = []
    var tp = 0.0
    var fp = 0.0
    var i = 0
    while i < order.count {
      let threshold = scores[order[i]]
      while i < order.count, scores[order[i]] == threshold {
        if isPositive[order[i]] { tp += 1 } else { fp += 1 }
        i += 1
      }
      points.append(CurvePoint(threshold: threshold, precision: tp / (tp + fp), recall: tp / positives))
    }
    return points
  }

  /// Average precision, Σ (R_n − R_{n−1}) P_n over descending thresholds (scikit-learn's
  /// `average_precision_score`, no interpolation).
  public static func averagePrecision(_ isPositive: [Bool], _ scores: [Double]) -> Estimate {
    let curve = precisionRecallCurve(isPositive, scores)
    guard !curve.isEmpty else { return .undefined("no positive example in the truth") }
    var previous = 0.0
    var sum = 0.0
    for point in curve {
      sum += (point.recall - previous) * point.precision
      previous = point.recall
    }
    return .value(sum)
  }

  /// ROC AUC as the Mann–Whitney statistic with mid-ranks for ties, which equals the
  /// trapezoidal area under the ROC curve (scikit-learn's `roc_auc_score`).
  public static func rocAuc(_ isPositive: [Bool], _ scores: [Double]) -> Estimate {
    let nPos = Double(isPositive.filter { $0 }.count)
    let nNeg = Double(isPositive.count) - nPos
    guard nPos > 0, nNeg > 0 else { return .undefined("the truth holds only one class") }
    let order = scores.indices.sorted { scores[$0] < scores[$1] }
    var rankSum = 0.0
    var i = 0
    while i < order.count {
      var j = i
      while j + 1 < order.count, scores[order[j + 1]] == scores[order[i]] { j += 1 }
      let midRank = Double(i + j) / 2 + 1
      for position in i...j where isPositive[order[position]] { rankSum += midRank }
      i = j + 1
    }
    return .value((rankSum - nPos * (nPos + 1) / 2) / (nPos * nNeg))
  }
}
