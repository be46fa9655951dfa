import Dispatch
import Testing

@testable import Statistics

@Suite struct MetricPolicyTests {
  /// DOMAIN.md's three models: averaging ranks model 3 first (0.8); precision with recall > 0.6
  /// ranks model 2 first (0.8) and model 1, failing the bar, scores 0.
  let models: [(name: String, metrics: [String: Double])] = [
    ("model 1", ["precision": 0.9, "recall": 0.5]),
    ("model 2", ["precision": 0.8, "recall": 0.7]),
    ("model 3", ["precision": 0.7, "recall": 0.9]),
  ]

  @Test func averagingRanksModelThreeFirst() throws {
    let ranked = try MetricPolicy.average(["precision", "recall"]).rank(models)
    #expect(ranked.map(\.model) == ["model 3", "model 2", "model 1"])
    #expect(abs(ranked[0].score - 0.8) < 1e-12)
    #expect(abs(ranked[1].score - 0.75) < 1e-12)
    #expect(abs(ranked[2].score - 0.7) < 1e-12)
  }

  @Test func thresholdingRanksModelTwoFirstAndModelOneScoresNothing() throws {
    let policy = MetricPolicy.optimize(metric: "precision", requirements: [MetricPolicy.Requirement(parsing: "recall > 0.6")!])
    let ranked = try policy.rank(models)
    #expect(ranked.map(\.model) == ["model 2", "model 3", "model 1"])
    #expect(ranked.map(\.score) == [0.8, 0.7, 0])
    #expect(ranked.map(\.eligible) == [true, true, false])
    #expect(ranked[2].failed == ["recall > 0.6"])
  }

  @Test func singleWeightedTiesAndErrors() throws {
    #expect(try MetricPolicy.single("recall").rank(models).first?.model == "model 3")
    let weighted = try MetricPolicy.weightedAverage([.init(metric: "precision", weight: 3), .init(metric: "recall", weight: 1)]).rank(models)
    #expect(weighted.first?.model == "model 1")  // (2.7 + 0.5) / 4 = 0.8
    let tied = try MetricPolicy.single("x").rank([("b", ["x": 1]), ("a", ["x": 1]), ("c", ["x": 0])])
    #expect(tied.map(\.rank) == [1, 1, 3] && tied.map(\.model) == ["a", "b", "c"])
    #expect(throws: PolicyProblem.unknownMetric("f1", available: ["precision", "recall"])) { try MetricPolicy.single("f1").rank(models) }
    let unknownBar = MetricPolicy.optimize(metric: "precision", requirements: [.init(metric: "latency", comparison: .atMost, threshold: 5)])
    #expect(throws: PolicyProblem.unknownMetric("latency", available: ["precision", "recall"])) { try unknownBar.rank(models) }
    #expect(MetricPolicy.Requirement(parsing: "recall>=") == nil)
    #expect(MetricPolicy.Requirement(parsing: "latency_ms<=50")?.comparison == .atMost)
  }
}

@Suite struct ClassificationTests {
  @Test func metricsOfASmallThreeClassExample() {
    let truth = ["cat", "cat", "cat", "dog", "dog", "bird"]
    let prediction = ["cat", "cat", "dog", "dog", "cat", "cat"]
    let r = ClassificationReport.analyze(truth: truth, prediction: prediction)
    #expect(r.labels == ["bird", "cat", "dog"])
    #expect(r.confusionMatrix == [[0, 1, 0], [0, 2, 1], [0, 1, 1]])
    #expect(r.accuracy == .value(0.5))
    #expect(r.perClass[0].precision == .undefined("never predicted"))
    #expect(r.perClass[1].precision.value! == 0.5 && abs(r.perClass[1].recall.value! - 2.0 / 3) < 1e-12)
    #expect(abs(r.macro.precision.value! - (0 + 0.5 + 0.5) / 3) < 1e-12)
    #expect(abs(r.balancedAccuracy.value! - (0 + 2.0 / 3 + 0.5) / 3) < 1e-12)
    #expect(r.warnings.contains { $0.contains("never predicted: bird") })
  }

  @Test func rankingFiguresAndUndefinedCases() {
    let isPositive = [true, false, true, true, false, false]
    let scores = [0.9, 0.8, 0.7, 0.6, 0.2, 0.6]
    // Ascending: 0.2 n (1), 0.6 p and n (2.5 each), 0.7 p (4), 0.8 n (5), 0.9 p (6): AUC = (12.5 − 6) / 9.
    #expect(abs(ClassificationReport.rocAuc(isPositive, scores).value! - 6.5 / 9) < 1e-12)
    // Thresholds 0.9 (P 1, R 1/3), 0.8 (1/2, 1/3), 0.7 (2/3, 2/3), 0.6 (3/5, 1): AP = 1/3 + 1/3·2/3 + 1/3·3/5.
    #expect(abs(ClassificationReport.averagePrecision(isPositive, scores).value! - (1.0 / 3 + 2.0 / 9 + 1.0 / 5)) < 1e-12)
    #expect(ClassificationReport.rocAuc([true, true], [0.1, 0.2]).value == nil)
    let one = ClassificationReport.analyze(truth: ["a", "a"], prediction: ["a", "a"])
    #expect(one.mcc.value == nil && one.cohenKappa.value == nil && one.accuracy == .value(1))
    let skewed = ClassificationReport.analyze(
      truth: Array(repeating: "ok", count: 95) + Array(repeating: "bad", count: 5),
      prediction: Array(repeating: "ok", count: 100))
    #expect(skewed.warnings.contains { $0.contains("'ok' is 95% of the truth") })
  }
}

@Suite struct DriftTests {
  @Test func exactKolmogorovSmirnovMatchesSmallKnownCases() {
    // Fully separated samples of 3 and 3: D = 1, p = 2 / C(6,3) = 0.1.
    let (d, p) = Drift.kolmogorovSmirnov([1, 2, 3], [4, 5, 6])
    #expect(d == 1 && abs(p - 0.1) < 1e-12)
    // Identical samples: D = 0, p = 1.
    #expect(Drift.kolmogorovSmirnov([1, 2, 3], [1, 2, 3]) == (0, 1))
    #expect(abs(Distributions.kolmogorovSurvival(1.3581) - 0.05) < 1e-4)
  }

  @Test func chiSquareAndNormalTails() {
    #expect(abs(Distributions.chiSquareSurvival(3.841458820694124, degreesOfFreedom: 1) - 0.05) < 1e-12)
    #expect(abs(Distributions.chiSquareSurvival(18.307038053275146, degreesOfFreedom: 10) - 0.05) < 1e-12)
    #expect(abs(Distributions.normalSurvival(1.959963984540054) - 0.025) < 1e-12)
  }

  @Test func distancesAndTheDefaultRule() throws {
    #expect(abs(Drift.jensenShannon([1, 0], [0, 1]) - 0.6931471805599453.squareRoot()) < 1e-12)
    #expect(Drift.populationStability([0.5, 0.5], [0.5, 0.5]) == 0)
    #expect(Drift.wasserstein([0, 1], [1, 2]) == 1)
    let small = try Drift.analyze(
      reference: ["x": (0..<100).map { String($0) }, "c": (0..<100).map { ["a", "b", "c"][$0 % 3] }],
      current: ["x": (0..<100).map { String($0 + 50) }, "c": (0..<100).map { ["a", "b", "c"][$0 % 3] }],
      columns: ["x", "c"], test: nil)
    #expect(small.columns.map(\.test) == [.ks, .chi2])
    #expect(small.columns[0].drifted == true && small.columns[1].drifted == false)
    #expect(small.datasetDrifted)  // one of two columns: at least half
    let large = try Drift.analyze(
      reference: ["x": (0..<2000).map { String($0 % 97) }], current: ["x": (0..<2000).map { String($0 % 97) }],
      columns: ["x"], test: nil)
    #expect(large.columns[0].test == .wasserstein && large.columns[0].statistic == .value(0) && !large.datasetDrifted)
    #expect(throws: DriftProblem.notNumeric(column: "c", test: .ks)) {
      try Drift.analyze(reference: ["c": ["a"]], current: ["c": ["b"]], columns: ["c"], test: .ks)
    }
  }
}

/// How many jobs a runner was asked to run.
private final class JobCount: @unchecked Sendable {
  var value = 0
  func set(_ n: Int) { value = n }
}

@Suite struct BootstrapTests {
  @Test func intervalsAreReproducibleForASeedAndBracketTheEstimate() throws {
    let table = try RatingTable(codersByUnits: [
      (0..<60).map { String($0 % 4) }, (0..<60).map { String($0 % 7 == 0 ? ($0 + 1) % 4 : $0 % 4) },
      (0..<60).map { String($0 % 5 == 0 ? ($0 + 2) % 4 : $0 % 4) },
    ])
    let a = AgreementReport.analyze(table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 300, seed: 42)
    let b = AgreementReport.analyze(table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 300, seed: 42)
    let c = AgreementReport.analyze(table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 300, seed: 43)
    let alpha = try #require(a.krippendorffAlpha.value)
    let interval = try #require(a.confidenceIntervals?.coefficients["krippendorffAlpha"])
    #expect(interval.low < alpha && alpha < interval.high)
    #expect(b.confidenceIntervals?.coefficients["krippendorffAlpha"]?.low == interval.low)
    #expect(c.confidenceIntervals?.coefficients["krippendorffAlpha"]?.low != interval.low)
    #expect(a.perCoder.count == 3 && a.pairwise.count == 3)
  }

  /// The draws are split into jobs with generators of their own: the intervals are the same
  /// whatever order the jobs run in, or however many run at once; and the last job's share of
  /// the draws (1,030 = 20 × 50 + 30) is not lost.
  @Test func intervalsDoNotDependOnHowTheJobsRun() throws {
    let units = 12_000  // above the Poisson threshold, and below it with `prefix`
    var generator = SeededGenerator(seed: 5)
    let ratings = (0..<3).map { _ in (0..<units).map { _ in generator.below(10) == 0 ? nil : String(generator.below(4)) } }
    for count in [units, 800] {
      let table = try RatingTable(codersByUnits: ratings.map { Array($0.prefix(count)) })
      let inTurn = AgreementReport.analyze(table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 1_030, seed: 3)
      let reversed = AgreementReport.analyze(
        table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 1_030, seed: 3, jobs: { n, job in for i in (0..<n).reversed() { job(i) } })
      let atOnce = AgreementReport.analyze(
        table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 1_030, seed: 3,
        jobs: { n, job in DispatchQueue.concurrentPerform(iterations: n, execute: job) })
      let intervals = try #require(inTurn.confidenceIntervals?.coefficients)
      #expect(intervals.count == 5)
      for (name, interval) in intervals {
        #expect(reversed.confidenceIntervals?.coefficients[name] == interval, "\(name)")
        #expect(atOnce.confidenceIntervals?.coefficients[name] == interval, "\(name)")
      }
      #expect(inTurn.confidenceIntervals?.draws == 1_030)
      let jobs = JobCount()
      _ = AgreementReport.analyze(
        table, level: .nominal, coderNames: ["a", "b", "c"], bootstrap: 1_030, seed: 3, jobs: { n, job in jobs.set(n) })
      #expect(jobs.value == 21)
    }
  }
}

@Suite struct PerCategoryTests {
  /// The one-pass per-category figures equal alpha and Fleiss' kappa computed on data actually
  /// recoded to "this category" / "another".
  @Test func oneAgainstRestEqualsTheRecodedData() throws {
    var generator = SeededGenerator(seed: 3)
    let matrix: [[String?]] = (0..<4).map { _ in
      (0..<80).map { _ in generator.below(10) == 0 ? nil : String(["a", "b", "c", "d"][generator.below(4)]) }
    }
    let table = try RatingTable(codersByUnits: matrix)
    let figures = Agreement.oneAgainstRest(UnitCounts(table))
    for (index, category) in table.categories.enumerated() {
      let recoded = try RatingTable(codersByUnits: matrix.map { row in row.map { $0.map { $0 == category ? "yes" : "no" } } })
      let counts = UnitCounts(recoded)
      let alpha = try #require(Agreement.krippendorffAlpha(counts, level: .nominal, values: nil).value)
      let kappa = try #require(Agreement.fleissKappa(counts).value)
      #expect(abs(figures[index].alpha.value! - alpha) < 1e-12)
      #expect(abs(figures[index].kappa.value! - kappa) < 1e-12)
    }
  }
}

@Suite struct BootstrapConsistencyTests {
  /// The one-pass bootstrap sums must equal the coefficient functions on the same resample:
  /// with every unit drawn exactly once (multiplicity 1) they reproduce the point estimates, so
  /// the interval of a table whose units are all identical collapses onto the estimate.
  @Test func aTableOfIdenticalUnitsHasAZeroWidthInterval() throws {
    let row: [String?] = Array(repeating: "a", count: 30) + Array(repeating: "b", count: 30)
    let other: [String?] = Array(repeating: "a", count: 30) + Array(repeating: "a", count: 15) + Array(repeating: "b", count: 15)
    let table = try RatingTable(codersByUnits: [row, other, row])
    let report = AgreementReport.analyze(table, level: .nominal, coderNames: ["x", "y", "z"], bootstrap: 400, seed: 9)
    let intervals = try #require(report.confidenceIntervals?.coefficients)
    for (name, estimate) in [
      ("krippendorffAlpha", report.krippendorffAlpha), ("fleissKappa", report.fleissKappa),
      ("gwetAC1", report.gwetAC1), ("percentAgreement", report.percentAgreement),
    ] {
      let value = try #require(estimate.value)
      let interval = try #require(intervals[name])
      #expect(interval.low <= value + 1e-12 && value - 1e-12 <= interval.high, "\(name)")
      #expect(interval.high - interval.low < 0.5, "\(name)")
    }
  }
}
