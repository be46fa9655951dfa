/// The drift tests, as the widely used open-source monitors set them (DOMAIN.md, "Drift tests").
public enum DriftTest: String, Sendable, CaseIterable, Codable {
  /// Population stability index over bins; drift at ≥ 0.1 (0.1–0.25 moderate, > 0.25 major).
  case psi
  /// Two-sample Kolmogorov–Smirnov; drift when p ≤ 0.05.
  case ks
  /// Chi-square test of homogeneity on the 2 × k table of category counts; drift when p < 0.05.
  case chi2
  /// Jensen–Shannon distance, natural log (maximum √ln2 ≈ 0.833); drift at ≥ 0.1.
  case js
  /// Wasserstein-1 divided by the reference's standard deviation (floor 0.001); drift at ≥ 0.1.
  case wasserstein
  /// Two-proportion z-test for a two-valued column; drift when p < 0.05.
  case ztest

  public var threshold: Double {
    switch self {
    case .psi, .js, .wasserstein: 0.1
    case .ks, .chi2, .ztest: 0.05
    }
  }
}

/// One column's verdict.
public struct ColumnDrift: Sendable, Encodable {
  public var column: String
  public var test: DriftTest
  /// Why this test: the default rule's branch, or "chosen with --test".
  public var rule: String
  public var kind: String
  public var statistic: Estimate
  public var pValue: Estimate?
  /// The p-value after a correction across the columns whose test gives one (see `corrected`).
  public var adjustedPValue: Double?
  public var threshold: Double
  /// nil when the statistic is undefined (no values on one side).
  public var drifted: Bool?
  public var referenceCount: Int
  public var currentCount: Int
  /// Empty cells, and in a numeric column cells reading NaN or ±infinity too.
  public var missingReference: Int
  public var missingCurrent: Int
  /// Of the missing cells, those reading NaN or ±infinity (counted only in a numeric column).
  public var nonFiniteReference: Int
  public var nonFiniteCurrent: Int
}

/// Every column's verdict and the dataset's.
public struct DriftReport: Sendable, Encodable {
  public var columns: [ColumnDrift]
  public var driftedColumns: Int
  /// True when at least half of the columns with a verdict drifted (Evidently's dataset rule).
  public var datasetDrifted: Bool
  public var rule: String
}

/// Why a drift test cannot run on a column.
public enum DriftProblem: Error, Equatable, Sendable {
  case notNumeric(column: String, test: DriftTest)
  case notTwoValued(column: String, values: Int)
}

public enum Drift {
  public static let defaultRule = """
    reference ≤ 1,000 rows: numeric columns with > 5 distinct values use KS (drift if p ≤ 0.05), \
    other columns chi-square (> 2 values) or the two-proportion z-test (2 values), drift if p < 0.05; \
    reference > 1,000 rows: numeric columns with > 5 distinct values use Wasserstein normed by the \
    reference standard deviation, other columns Jensen–Shannon, drift if ≥ 0.1 \
    (Evidently's defaults); the dataset drifts when at least half of its columns do
    """

  /// Compares two samples column by column. Values are text as read from a file; empty is
  /// missing. A column is numeric when every present value in both samples is a number; there a
  /// cell reading NaN or ±infinity is missing too, whatever the test (`nonFinite…` counts them).
  public static func analyze(
    reference: [String: [String]], current: [String: [String]], columns: [String], test forced: DriftTest?, jobs: JobRunner = runInTurn
  ) throws -> DriftReport {
    let prepare: @Sendable ([String]) -> Column = { Column(texts: $0) }
    return try analyze(
      reference: reference.mapValues(prepare), current: current.mapValues(prepare), columns: columns, test: forced, jobs: jobs)
  }

  /// As above, on columns read once by a reader (see `Column`).
  public static func analyze(
    reference: [String: Column], current: [String: Column], columns: [String], test forced: DriftTest?, jobs: JobRunner = runInTurn
  ) throws -> DriftReport {
    // Columns are independent: each is judged on its own, in parallel when `jobs` runs so.
    final class Slots: @unchecked Sendable {
      // Each job writes its own slot; read after every job has ended.
      var results: [Result<ColumnDrift, DriftProblem>?]
      init(_ count: Int) { results = Array(repeating: nil, count: count) }
    }
    let slots = Slots(columns.count)
    let none = Column(texts: [])
    jobs(columns.count) { k in
      slots.results[k] = Result { () throws(DriftProblem) in
        try analyzeColumn(columns[k], reference[columns[k]] ?? none, current[columns[k]] ?? none, test: forced)
      }
    }
    var results: [ColumnDrift] = []
    for slot in slots.results { results.append(try slot!.get()) }
    let judged = results.filter { $0.drifted != nil }
    let drifted = judged.filter { $0.drifted == true }.count
    return DriftReport(
      columns: results, driftedColumns: drifted, datasetDrifted: !judged.isEmpty && 2 * drifted >= judged.count,
      rule: forced.map { "every column with \($0.rawValue); the dataset drifts when at least half of its columns do" } ?? defaultRule)
  }

  /// One column of a sample, read once: how many cells, its numbers while every present value is
  /// one, and its distinct texts with each present cell's number among them (the categorical
  /// tests count those). A reader may drop the cells' numbers (`codes` nil) once a column of
  /// numbers has more than 100 distinct texts: the rule then tests its numbers only.
  public struct Column: Sendable {
    /// Cells, empty ones included.
    public var count: Int
    /// The distinct present texts, in the order first seen.
    public var names: [String]
    /// Each present cell's index in `names`; nil when dropped (see above).
    public var codes: [Int32]?
    /// The finite numbers, while `allNumbers`.
    public var numbers: [Double]
    public var nonFinite: Int
    public var allNumbers: Bool
    /// Present (non-empty) cells.
    public var present: Int

    public init(count: Int, names: [String], codes: [Int32]?, numbers: [Double], nonFinite: Int, allNumbers: Bool, present: Int) {
      self.count = count
      self.names = names
      self.codes = codes
      self.numbers = numbers
      self.nonFinite = nonFinite
      self.allNumbers = allNumbers
      self.present = present
    }

    /// A column of texts as read from a file ("" is missing).
    public init(texts raw: [String]) {
      var index: [String: Int32] = [:]
      var names: [String] = []
      var codes: [Int32] = []
      var numbers: [Double] = []
      var nonFinite = 0
      var allNumbers = true
      codes.reserveCapacity(raw.count)
      for value in raw where !value.isEmpty {
        if let code = index[value] {
          codes.append(code)
        } else {
          let code = Int32(names.count)
          index[value] = code
          names.append(value)
          codes.append(code)
        }
        guard allNumbers else { continue }
        if let number = Double(value) {
          if number.isFinite { numbers.append(number) } else { nonFinite += 1 }
        } else {
          allNumbers = false
        }
      }
      self.init(
        count: raw.count, names: names, codes: codes, numbers: numbers, nonFinite: nonFinite, allNumbers: allNumbers, present: codes.count)
    }

    /// The present texts, cell by cell, leaving out `dropping` (indexes in `names`).
    func texts(dropping: Set<Int32>) -> [String] {
      guard let codes else { return [] }
      return codes.compactMap { dropping.contains($0) ? nil : names[Int($0)] }
    }
  }

  /// One column's verdict (see `analyze`).
  static func analyzeColumn(_ column: String, _ refColumn: Column, _ curColumn: Column, test forced: DriftTest?) throws(DriftProblem)
    -> ColumnDrift
  {
    let (refNumbers, curNumbers) = (refColumn.numbers, curColumn.numbers)
    let (refNonFinite, curNonFinite) = (refColumn.nonFinite, curColumn.nonFinite)
    let numeric = refColumn.allNumbers && curColumn.allNumbers && !(refNumbers.isEmpty && curNumbers.isEmpty)
    // NaN and ±infinity in a column of numbers are missing values, for every test alike.
    func nonFiniteNames(_ c: Column) -> Set<Int32> {
      guard numeric, c.nonFinite > 0 else { return [] }
      return Set(c.names.indices.filter { Double(c.names[$0]).map { !$0.isFinite } ?? false }.map { Int32($0) })
    }
    let (refDropped, curDropped) = (nonFiniteNames(refColumn), nonFiniteNames(curColumn))
    let refCount = refColumn.present - (numeric ? refNonFinite : 0)
    let curCount = curColumn.present - (numeric ? curNonFinite : 0)
    // The rule only asks whether there are more than 5 (or 2) values: stop counting at 100.
    let refNames = refColumn.names.indices.filter { !refDropped.contains(Int32($0)) }.map { refColumn.names[$0] }
    let curNames = curColumn.names.indices.filter { !curDropped.contains(Int32($0)) }.map { curColumn.names[$0] }
    let distinct = distinctCount(refNames, curNames, cap: 100)
    let (test, rule) =
      forced.map { ($0, "chosen with --test") }
      ?? defaultTest(numeric: numeric, distinct: distinct, referenceRows: refColumn.count)
    if test == .ks || test == .wasserstein, !numeric { throw DriftProblem.notNumeric(column: column, test: test) }
    if test == .ztest, distinct > 2 { throw DriftProblem.notTwoValued(column: column, values: distinct) }
    // The cells as texts, for the tests that count categories.
    let needsTexts = !(numeric && [.ks, .wasserstein, .js, .psi].contains(test))
    let ref = needsTexts ? refColumn.texts(dropping: refDropped) : []
    let cur = needsTexts ? curColumn.texts(dropping: curDropped) : []

    let (statistic, pValue) = measure(
      test, ref: ref, cur: cur, refNumbers: refNumbers, curNumbers: curNumbers, numeric: numeric, sizes: (refCount, curCount))
    let drifted: Bool?
    switch test {
    case .ks: drifted = pValue?.value.map { $0 <= test.threshold }
    case .chi2, .ztest: drifted = pValue?.value.map { $0 < test.threshold }
    case .psi, .js, .wasserstein: drifted = statistic.value.map { $0 >= test.threshold }
    }
    return ColumnDrift(
      column: column, test: test, rule: rule, kind: numeric ? "numeric" : "categorical", statistic: statistic,
      pValue: pValue, adjustedPValue: nil, threshold: test.threshold, drifted: drifted, referenceCount: refCount, currentCount: curCount,
      missingReference: refColumn.count - refCount, missingCurrent: curColumn.count - curCount,
      nonFiniteReference: numeric ? refNonFinite : 0, nonFiniteCurrent: numeric ? curNonFinite : 0)
  }

  /// The number of distinct values of both samples, or `cap + 1` when there are more than `cap`.
  static func distinctCount(_ a: [String], _ b: [String], cap: Int) -> Int {
    var seen = Set<String>()
    for value in [a, b].joined() where seen.insert(value).inserted && seen.count > cap { return seen.count }
    return seen.count
  }

  /// The default test for a column (see `defaultRule`) and the branch of the rule that chose it.
  static func defaultTest(numeric: Bool, distinct: Int, referenceRows: Int) -> (DriftTest, String) {
    if referenceRows <= 1000 {
      if numeric && distinct > 5 { return (.ks, "numeric, > 5 values, reference ≤ 1,000 rows") }
      if distinct > 2 { return (.chi2, "categorical or ≤ 5 values, reference ≤ 1,000 rows") }
      return (.ztest, "two values, reference ≤ 1,000 rows")
    }
    if numeric && distinct > 5 { return (.wasserstein, "numeric, > 5 values, reference > 1,000 rows") }
    return (.js, "categorical or ≤ 5 values, reference > 1,000 rows")
  }

  /// The statistic and p-value (for the tests that have one) of `test` on one column.
  static func measure(
    _ test: DriftTest, ref: [String], cur: [String], refNumbers: [Double], curNumbers: [Double], numeric: Bool, sizes: (Int, Int)
  ) -> (Estimate, Estimate?) {
    let hasPValue = test == .ks || test == .chi2 || test == .ztest
    if sizes.0 == 0 || sizes.1 == 0 {
      let undefined = Estimate.undefined(sizes.0 == 0 ? "no values in the reference sample" : "no values in the current sample")
      return (undefined, hasPValue ? undefined : nil)
    }
    switch test {
    case .ks:
      let result = kolmogorovSmirnov(refNumbers, curNumbers)
      return (.value(result.0), .value(result.1))
    case .wasserstein:
      return (.value(normedWasserstein(refNumbers, curNumbers)), nil)
    case .chi2:
      return chiSquare(counts(ref, cur))
    case .ztest:
      let result = twoProportionZ(ref, cur)
      return (.value(result.0), .value(result.1))
    case .js, .psi:
      let binned = numeric ? binnedShares(refNumbers, curNumbers) : shares(counts(ref, cur))
      return (.value(test == .js ? jensenShannon(binned.0, binned.1) : populationStability(binned.0, binned.1)), nil)
    }
  }

  /// Category counts of both samples over the union of their categories (sorted).
  static func counts(_ ref: [String], _ cur: [String]) -> [(Double, Double)] {
    var table: [String: (Double, Double)] = [:]
    for v in ref { table[v, default: (0, 0)].0 += 1 }
    for v in cur { table[v, default: (0, 0)].1 += 1 }
    return table.keys.sorted().map { table[$0]! }
  }

  static func shares(_ counts: [(Double, Double)]) -> ([Double], [Double]) {
    let r = counts.reduce(0) { $0 + $1.0 }
    let c = counts.reduce(0) { $0 + $1.1 }
    return (counts.map { $0.0 / r }, counts.map { $0.1 / c })
  }

  /// Shares of both samples in ten bins cut at the reference's deciles (linear interpolation),
  /// the outer bins open-ended; ties of edges are merged. A value on an edge falls in the lower bin.
  static func binnedShares(_ ref: [Double], _ cur: [Double]) -> ([Double], [Double]) {
    let sorted = RadixSort.sorted(ref)
    var edges: [Double] = []
    for k in 1...9 {
      let e = percentile(sorted, Double(k) / 10)
      if edges.last != e { edges.append(e) }
    }
    func share(_ values: [Double]) -> [Double] {
      var bins = [Double](repeating: 0, count: edges.count + 1)
      for v in values {
        var lo = 0
        var hi = edges.count
        while lo < hi {  // first edge ≥ v
          let mid = (lo + hi) / 2
          if edges[mid] < v { lo = mid + 1 } else { hi = mid }
        }
        bins[lo] += 1
      }
      return bins.map { $0 / Double(values.count) }
    }
    return (share(ref), share(cur))
  }

  /// `report` with `correction` applied across the columns whose test gives a p-value: each
  /// such column's verdict is taken on its adjusted p-value; distance-based tests keep their
  /// thresholds. The dataset verdict is taken again.
  public static func corrected(_ report: DriftReport, _ correction: Correction) -> DriftReport {
    guard correction != .none else { return report }
    var result = report
    let tested = report.columns.indices.filter { report.columns[$0].pValue?.value != nil }
    let adjusted = correction.adjust(tested.map { report.columns[$0].pValue!.value! })
    for (i, p) in zip(tested, adjusted) {
      result.columns[i].adjustedPValue = p
      result.columns[i].drifted = result.columns[i].test == .ks ? p <= result.columns[i].threshold : p < result.columns[i].threshold
    }
    let judged = result.columns.filter { $0.drifted != nil }
    result.driftedColumns = judged.filter { $0.drifted == true }.count
    result.datasetDrifted = !judged.isEmpty && 2 * result.driftedColumns >= judged.count
    guard !tested.isEmpty else { return result }
    result.rule +=
      "; p-values corrected across the \(tested.count) columns tested by p-value (\(correction == .bh ? "Benjamini–Hochberg" : "Bonferroni"))"
    return result
  }

  /// PSI = Σ (r − c) ln(r / c), with empty bins floored at 0.0001 on either side.
  public static func populationStability(_ r: [Double], _ c: [Double]) -> Double {
    zip(r, c).reduce(0) { sum, pair in
      let a = max(pair.0, 0.0001)
      let b = max(pair.1, 0.0001)
      return sum + (a - b) * naturalLog(a / b)
    }
  }

  /// √(½ KL(r‖m) + ½ KL(c‖m)), m = (r + c)/2, natural log (scipy's `jensenshannon`).
  public static func jensenShannon(_ r: [Double], _ c: [Double]) -> Double {
    var divergence = 0.0
    for (a, b) in zip(r, c) {
      let m = (a + b) / 2
      if a > 0 { divergence += 0.5 * a * naturalLog(a / m) }
      if b > 0 { divergence += 0.5 * b * naturalLog(b / m) }
    }
    return max(0, divergence).squareRoot()
  }

  /// Wasserstein-1 = ∫ |F_r − F_c| (scipy's `wasserstein_distance`).
  public static func wasserstein(_ ref: [Double], _ cur: [Double]) -> Double {
    let a = RadixSort.sorted(ref)
    let b = RadixSort.sorted(cur)
    // One merge over both sorted samples: between consecutive distinct values x < x', the CDFs
    // are those at x (the same terms, in the same order, as summing over the sorted union).
    var i = 0
    var j = 0
    var distance = 0.0
    var previous: Double?
    var gap = 0.0
    while i < a.count || j < b.count {
      let x = min(i < a.count ? a[i] : .infinity, j < b.count ? b[j] : .infinity)
      if let previous { distance += gap * (x - previous) }
      while i < a.count, a[i] <= x { i += 1 }
      while j < b.count, b[j] <= x { j += 1 }
      gap = abs(Double(i) / Double(a.count) - Double(j) / Double(b.count))
      previous = x
    }
    return distance
  }

  /// Wasserstein-1 divided by the reference's population standard deviation, floored at 0.001.
  public static func normedWasserstein(_ ref: [Double], _ cur: [Double]) -> Double {
    let mean = ref.reduce(0, +) / Double(ref.count)
    let variance = ref.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(ref.count)
    return wasserstein(ref, cur) / max(variance.squareRoot(), 0.001)
  }

  /// Two-sample KS: D = max |F_r − F_c| and its two-sided p-value, exact (as scipy's
  /// `ks_2samp` in exact mode) when m·n ≤ 10⁸, else from the Kolmogorov limit distribution.
  public static func kolmogorovSmirnov(_ ref: [Double], _ cur: [Double]) -> (Double, Double) {
    let a = RadixSort.sorted(ref)
    let b = RadixSort.sorted(cur)
    var i = 0
    var j = 0
    var d = 0.0
    while i < a.count || j < b.count {
      let x = min(i < a.count ? a[i] : .infinity, j < b.count ? b[j] : .infinity)
      while i < a.count, a[i] <= x { i += 1 }
      while j < b.count, b[j] <= x { j += 1 }
      d = max(d, abs(Double(i) / Double(a.count) - Double(j) / Double(b.count)))
    }
    let m = a.count
    let n = b.count
    if Double(m) * Double(n) <= 1e8 {
      return (d, Distributions.kolmogorovSmirnovExact(d, m, n))
    }
    let en = Double(m) * Double(n) / Double(m + n)
    return (d, Distributions.kolmogorovSurvival(en.squareRoot() * d))
  }

  /// Pearson's chi-square test of homogeneity on the 2 × k table (scipy's `chi2_contingency`
  /// with `correction=False`), df = k − 1.
  public static func chiSquare(_ counts: [(Double, Double)]) -> (Estimate, Estimate) {
    // One category in both samples: the distributions are identical.
    guard counts.count >= 2 else { return (.value(0), .value(1)) }
    let r = counts.reduce(0) { $0 + $1.0 }
    let c = counts.reduce(0) { $0 + $1.1 }
    let total = r + c
    var statistic = 0.0
    for (a, b) in counts {
      let column = a + b
      let ea = r * column / total
      let eb = c * column / total
      statistic += (a - ea) * (a - ea) / ea + (b - eb) * (b - eb) / eb
    }
    return (.value(statistic), .value(Distributions.chiSquareSurvival(statistic, degreesOfFreedom: Double(counts.count - 1))))
  }

  /// Two-proportion z-test with the pooled proportion; two-sided p. Both samples holding one and
  /// the same single value give z = 0, p = 1.
  public static func twoProportionZ(_ ref: [String], _ cur: [String]) -> (Double, Double) {
    let values = Set(ref).union(cur).sorted()
    let first = values.first ?? ""
    let p1 = Double(ref.filter { $0 == first }.count) / Double(ref.count)
    let p2 = Double(cur.filter { $0 == first }.count) / Double(cur.count)
    let pooled = (p1 * Double(ref.count) + p2 * Double(cur.count)) / Double(ref.count + cur.count)
    let se = (pooled * (1 - pooled) * (1 / Double(ref.count) + 1 / Double(cur.count))).squareRoot()
    guard se > 0 else { return (0, 1) }
    let z = (p1 - p2) / se
    return (z, 2 * Distributions.normalSurvival(abs(z)))
  }
}
