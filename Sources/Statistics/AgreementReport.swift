/// Every agreement figure for one set of ratings: the coefficients, per category, per coder
/// pair, per coder, and bootstrap intervals. The JSON keys are the `mlw stats agreement`
/// contract (README "mlw stats agreement").
public struct AgreementReport: Sendable, Encodable {
  public struct Weighted: Sendable, Encodable {
    public var weights: String
    public var gwetAC2: Estimate
    public var fleissKappa: Estimate
    public var brennanPrediger: Estimate
    public var congerKappa: Estimate
    public var cohenKappaLinear: Estimate?
    public var cohenKappaQuadratic: Estimate?
  }

  public struct Category: Sendable, Encodable {
    public var category: String
    public var count: Int
    public var share: Double
    /// This category against all others: nominal alpha and Fleiss' kappa on the two-category data.
    public var krippendorffAlpha: Estimate
    public var fleissKappa: Estimate
  }

  public struct Pair: Sendable, Encodable {
    public var coderA: String
    public var coderB: String
    public var units: Int
    public var percentAgreement: Estimate
    public var cohenKappa: Estimate
  }

  public struct Coder: Sendable, Encodable {
    public var coder: String
    public var ratings: Int
    /// Share of this coder's rating pairs (with anyone, on shared units) that agree.
    public var agreementWithOthers: Estimate
    /// Mean of this coder's defined pairwise Cohen's kappas.
    public var meanPairwiseKappa: Estimate
    /// Alpha at the report's level without this coder: above the overall alpha means this
    /// coder pulls agreement down. Computed for up to 50 coders.
    public var krippendorffAlphaWithout: Estimate?
  }

  public struct Interval: Sendable, Encodable, Equatable {
    public var low: Double
    public var high: Double
    /// Draws on which the coefficient was undefined (left out of the percentiles).
    public var undefinedDraws: Int
  }

  public struct Intervals: Sendable, Encodable {
    public var draws: Int
    public var seed: UInt64
    public var confidence: Double
    public var method: String
    public var coefficients: [String: Interval]
  }

  /// Units a coefficient leaves out, or uses only in part, and why.
  public struct LeftOut: Sendable, Encodable, Equatable {
    /// The JSON keys of the coefficients concerned.
    public var coefficients: [String]
    public var units: Int
    public var reason: String
  }

  public var units: Int
  public var coders: Int
  public var ratings: Int
  /// Units rated by one coder only: unpairable, so they carry no agreement information.
  public var singleRatedUnits: Int
  /// What each coefficient did with the single-rated units (empty when there are none).
  public var leftOut: [LeftOut]
  public var level: MeasurementLevel
  public var categories: [String]
  public var percentAgreement: Estimate
  public var krippendorffAlpha: Estimate
  public var fleissKappa: Estimate
  public var randolphKappa: Estimate
  public var cohenKappa: Estimate?
  public var gwetAC1: Estimate
  public var brennanPrediger: Estimate
  public var congerKappa: Estimate
  public var weighted: Weighted?
  public var perCategory: [Category]
  public var pairwise: [Pair]
  public var perCoder: [Coder]
  public var confidenceIntervals: Intervals?

  /// Analyses `table` at `level`. `bootstrap` draws of units (0: none) with `seed` give 95%
  /// percentile intervals for the main coefficients; `jobs` runs their jobs (at once, when the
  /// caller has threads to give; the figures are the same either way).
  public static func analyze(
    _ table: RatingTable, level: MeasurementLevel, coderNames: [String], bootstrap: Int = 0, seed: UInt64 = 1,
    jobs: JobRunner = runInTurn
  ) -> AgreementReport {
    let counts = UnitCounts(table)
    let values = table.numericValues.map(scaledForArithmetic)
    let positions = (0..<table.categories.count).map { Double($0 + 1) }
    let alpha = Agreement.krippendorffAlpha(counts, level: level, values: values)
    let observed = Agreement.observed(counts, weights: nil, multiplicity: nil)
    let q = counts.q
    let singles = counts.total.lazy.filter { $0 == 1 }.count
    var report = AgreementReport(
      units: table.unitCount, coders: table.coderCount, ratings: table.ratingCount, singleRatedUnits: singles,
      leftOut: leftOut(singles: singles, level: level, coders: table.coderCount), level: level,
      categories: table.categories,
      percentAgreement: observed.n2 > 0 ? .value(observed.pa) : .undefined(Agreement.noPairs),
      krippendorffAlpha: alpha,
      fleissKappa: Agreement.fleissKappa(observed, q: q, weights: nil),
      randolphKappa: Agreement.brennanPrediger(observed, q: q, weights: nil),
      cohenKappa: table.coderCount == 2 ? Agreement.cohenKappa(table, coders: 0, 1) : nil,
      gwetAC1: Agreement.gwetAC(observed, q: q, weights: nil),
      brennanPrediger: Agreement.brennanPrediger(observed, q: q, weights: nil),
      congerKappa: Agreement.congerKappa(table, counts: counts),
      weighted: nil, perCategory: [], pairwise: [], perCoder: [], confidenceIntervals: nil)

    if level != .nominal {
      let kind = AgreementWeights.Kind.forLevel(level)
      let weights = AgreementWeights(kind, categoryValues: values ?? positions)
      let weightedObserved = Agreement.observed(counts, weights: weights, multiplicity: nil)
      report.weighted = Weighted(
        weights: kind.rawValue,
        gwetAC2: Agreement.gwetAC(weightedObserved, q: q, weights: weights),
        fleissKappa: Agreement.fleissKappa(weightedObserved, q: q, weights: weights),
        brennanPrediger: Agreement.brennanPrediger(weightedObserved, q: q, weights: weights),
        congerKappa: Agreement.congerKappa(table, counts: counts, weights: weights),
        cohenKappaLinear: table.coderCount == 2 ? Agreement.cohenKappa(table, coders: 0, 1, weighting: .linear) : nil,
        cohenKappaQuadratic: table.coderCount == 2 ? Agreement.cohenKappa(table, coders: 0, 1, weighting: .quadratic) : nil)
    }

    var totals = [Int](repeating: 0, count: table.categories.count)
    for c in table.categoryOf { totals[Int(c)] += 1 }
    let oneAgainstRest = Agreement.oneAgainstRest(counts)
    report.perCategory = table.categories.indices.map { c in
      Category(
        category: table.categories[c], count: totals[c],
        share: table.ratingCount > 0 ? Double(totals[c]) / Double(table.ratingCount) : 0,
        krippendorffAlpha: oneAgainstRest[c].alpha, fleissKappa: oneAgainstRest[c].kappa)
    }

    let (pairs, perCoder) = pairwiseFigures(table, names: coderNames)
    report.pairwise = pairs
    report.perCoder = perCoder
    if table.coderCount <= 50 {
      for g in 0..<table.coderCount {
        let without = UnitCounts(table) { $0 != Int32(g) }
        report.perCoder[g].krippendorffAlphaWithout = Agreement.krippendorffAlpha(without, level: level, values: values)
      }
    }
    if bootstrap > 0 {
      report.confidenceIntervals = intervals(counts, level: level, values: values, draws: bootstrap, seed: seed, jobs: jobs)
    }
    return report
  }

  /// `values` times the power of two that puts the largest magnitude in [0.5, 1). Interval and
  /// ratio alpha and the weighted coefficients are unchanged by a common scale, and scaling by a
  /// power of two is exact, so every figure keeps its bits; but squared differences of values
  /// near 1e200 or 1e308 no longer overflow to infinity (and inf/inf to NaN).
  static func scaledForArithmetic(_ values: [Double]) -> [Double] {
    guard let largest = values.lazy.map(\.magnitude).max(), largest > 0, largest.isFinite else { return values }
    let shift = Int(largest.exponent) + 1
    return values.map { Double(sign: .plus, exponent: -shift, significand: $0) }
  }

  /// What the coefficients do with `singles` units rated by one coder only. Alpha, percent
  /// agreement and the pairwise figures need pairs of ratings, so such a unit adds nothing to
  /// them (Krippendorff 2011: a unit with one value is unpairable). The Fleiss–Gwet family
  /// measures observed agreement on units rated twice or more, but counts every rating in the
  /// category shares its chance agreement comes from (Gwet 2014, §2.5; irrCAC), and Conger's
  /// kappa counts them in each coder's shares.
  static func leftOut(singles: Int, level: MeasurementLevel, coders: Int) -> [LeftOut] {
    guard singles > 0 else { return [] }
    var unpaired = ["krippendorffAlpha", "percentAgreement"]
    if coders == 2 { unpaired.append("cohenKappa") }
    var partly = ["fleissKappa", "randolphKappa", "gwetAC1", "brennanPrediger", "congerKappa"]
    if level != .nominal { partly.append("weighted") }
    return [
      LeftOut(coefficients: unpaired, units: singles, reason: "rated by one coder only: no pair of ratings to compare, so left out"),
      LeftOut(
        coefficients: partly, units: singles,
        reason: "rated by one coder only: left out of observed agreement, counted in the category shares of chance agreement"),
    ]
  }

  /// Pairwise figures in one pass over units: for each coder pair, the units both rated, how
  /// many agree, and the category marginals that unweighted Cohen's kappa needs.
  static func pairwiseFigures(_ table: RatingTable, names: [String]) -> ([Pair], [Coder]) {
    let r = table.coderCount
    let q = table.categories.count
    let pairCount = r * (r - 1) / 2
    func pairIndex(_ a: Int, _ b: Int) -> Int { a * (2 * r - a - 1) / 2 + (b - a - 1) }
    var shared = [Double](repeating: 0, count: pairCount)
    var agreeing = [Double](repeating: 0, count: pairCount)
    // Marginals only for manageable sizes; beyond that kappa per pair is skipped.
    let keepMarginals = pairCount * q <= 20_000_000
    var marginA = [Double](repeating: 0, count: keepMarginals ? pairCount * q : 0)
    var marginB = [Double](repeating: 0, count: keepMarginals ? pairCount * q : 0)
    var ratingsBy = [Int](repeating: 0, count: r)
    for u in 0..<table.unitCount {
      let range = table.unitStart[u]..<table.unitStart[u + 1]
      for i in range {
        ratingsBy[Int(table.coderOf[i])] += 1
        for j in range where j > i {
          var (a, ca, b, cb) = (Int(table.coderOf[i]), Int(table.categoryOf[i]), Int(table.coderOf[j]), Int(table.categoryOf[j]))
          if a > b {
            swap(&a, &b)
            swap(&ca, &cb)
          }
          let p = pairIndex(a, b)
          shared[p] += 1
          if ca == cb { agreeing[p] += 1 }
          if keepMarginals {
            marginA[p * q + ca] += 1
            marginB[p * q + cb] += 1
          }
        }
      }
    }
    var pairs: [Pair] = []
    var kappasOf = [[Double]](repeating: [], count: r)
    var agreeOf = [Double](repeating: 0, count: r)
    var sharedOf = [Double](repeating: 0, count: r)
    for a in 0..<r {
      for b in (a + 1)..<max(a + 1, r) {
        let p = pairIndex(a, b)
        let n = shared[p]
        var kappa = Estimate.undefined("no unit was rated by both coders")
        if n > 0 {
          if keepMarginals {
            var pe = 0.0
            for c in 0..<q { pe += marginA[p * q + c] * marginB[p * q + c] }
            pe /= n * n
            kappa = Estimate.ratio(
              agreeing[p] / n - pe, 1 - pe,
              undefinedBecause: "both coders used one and the same single category, so no disagreement is expected")
          } else {
            kappa = .undefined("too many coders × categories for pairwise kappa")
          }
        }
        pairs.append(
          Pair(
            coderA: names[a], coderB: names[b], units: Int(n),
            percentAgreement: n > 0 ? .value(agreeing[p] / n) : .undefined("no unit was rated by both coders"),
            cohenKappa: kappa))
        if let k = kappa.value {
          kappasOf[a].append(k)
          kappasOf[b].append(k)
        }
        agreeOf[a] += agreeing[p]
        agreeOf[b] += agreeing[p]
        sharedOf[a] += n
        sharedOf[b] += n
      }
    }
    let coders = (0..<r).map { g in
      Coder(
        coder: names[g], ratings: ratingsBy[g],
        agreementWithOthers: Estimate.ratio(agreeOf[g], sharedOf[g], undefinedBecause: "shares no unit with another coder"),
        meanPairwiseKappa: Estimate.ratio(kappasOf[g].reduce(0, +), Double(kappasOf[g].count), undefinedBecause: "no defined pairwise kappa"),
        krippendorffAlphaWithout: nil)
    }
    return (pairs, coders)
  }

  /// Percentile bootstrap over units (Efron & Tibshirani 1993, §13.3): `draws` resamples of
  /// the rated units with replacement, from a SplitMix64 stream seeded with `seed`; the interval
  /// is the 2.5th and 97.5th percentiles (linear interpolation, as numpy's default).
  ///
  /// Each pattern's terms are computed once (`BootstrapKernel`); a draw then only sums them with
  /// the pattern's multiplicity, giving percent agreement, Fleiss, Gwet's AC1, Brennan–Prediger
  /// and nominal and interval alpha from one pass (ordinal and ratio alpha take a second pass
  /// through `krippendorffAlpha`, since their distances depend on the draw).
  ///
  /// Above this many rated units the bootstrap is the Poisson bootstrap (see `intervals`). Every
  /// coefficient here is a ratio of weighted sums, unchanged when all weights are scaled alike,
  /// so the one way the Poisson bootstrap differs from drawing exactly n units (its total weight
  /// varies, by 1% of n at 10,000 units) moves an interval far less than the Monte Carlo error of
  /// 1,000 draws; below the threshold, where a draw is cheap anyway, units are drawn exactly.
  public static let poissonThreshold = 10_000

  /// How many draws one job of the bootstrap makes: fixed, so that the draws (each job's from
  /// its own generator, seeded from the seed and the job's number) are the same however many jobs
  /// run at once.
  static let drawsPerJob = 50

  static func intervals(
    _ units: UnitCounts, level: MeasurementLevel, values: [Double]?, draws: Int, seed: UInt64, jobs runner: JobRunner
  ) -> Intervals {
    // Units with the same category counts are interchangeable in every coefficient here, so a
    // draw counts how often each pattern was drawn and the sums run over patterns.
    let rated = (0..<units.unitCount).filter { units.total[$0] >= 1 }
    let (counts, patternOf) = patterns(units, rated)
    let kernel = BootstrapKernel(counts, intervalValues: level == .interval ? values : nil)
    var patternCounts = [Int](repeating: 0, count: counts.unitCount)
    for p in patternOf { patternCounts[Int(p)] += 1 }
    // Above this many units, each draw gives every unit a Poisson(1) weight instead of drawing
    // n units with replacement (the Poisson bootstrap; Hanley & MacGibbon 2006, Chamandy et al.
    // 2012): the two agree as n grows, and the Poisson weights of a pattern's c units sum to one
    // Poisson(c) draw, so a draw costs O(patterns) instead of O(units).
    let poisson = rated.count > poissonThreshold
    let job = BootstrapJob(
      kernel: kernel, counts: counts, patternCounts: patternCounts, sampler: AliasSampler(counts: patternCounts),
      smallPoisson: SmallPoissonTables(), units: rated.count, poisson: poisson, level: level, values: values)
    let jobCount = (draws + drawsPerJob - 1) / drawsPerJob
    let results = JobResults(count: jobCount)
    runner(jobCount) { index in
      let first = index * drawsPerJob
      // A generator per job: SplitMix64 of the seed and the job's number, well apart from every other.
      var mix = SeededGenerator(seed: seed ^ (UInt64(index) &+ 1) &* 0xD1B5_4A32_D192_ED03)
      results.store(job.run(draws: min(drawsPerJob, draws - first), seed: mix.next()), at: index)
    }
    var samples: [String: [Double]] = [:]
    var undefined: [String: Int] = [:]
    for result in results.collected() {
      samples.merge(result.samples) { $0 + $1 }
      undefined.merge(result.undefined) { $0 + $1 }
    }
    var coefficients: [String: Interval] = [:]
    for (name, var values) in samples {
      values.sort()
      coefficients[name] = Interval(
        low: percentile(values, 0.025), high: percentile(values, 0.975), undefinedDraws: undefined[name] ?? 0)
    }
    let method = poisson ? "percentile Poisson bootstrap over units (more than \(poissonThreshold) units)" : "percentile bootstrap over units"
    return Intervals(draws: draws, seed: seed, confidence: 0.95, method: method, coefficients: coefficients)
  }

  /// The distinct category-count patterns of the rated units, as a `UnitCounts` with one "unit"
  /// per pattern, and the pattern of each rated unit (in `rated` order).
  static func patterns(_ c: UnitCounts, _ rated: [Int]) -> (UnitCounts, [Int32]) {
    // A pattern is known by a 64-bit hash of its sorted (category, count) pairs; patterns with
    // the same hash are chained through `nextWithHash` and compared entry by entry, so a
    // collision costs a comparison, never a wrong pattern.
    var firstWithHash: [UInt64: Int32] = [:]
    var nextWithHash: [Int32] = []
    var start = [0]
    var category: [Int32] = []
    var count: [Double] = []
    var total: [Double] = []
    var patternOf = [Int32](repeating: 0, count: rated.count)
    var entries: [(category: Int32, count: Double)] = []
    for (position, u) in rated.enumerated() {
      entries.removeAll(keepingCapacity: true)
      for i in c.start[u]..<c.start[u + 1] {
        // Insertion sort: a unit has a handful of categories.
        var j = entries.count
        entries.append((c.category[i], c.count[i]))
        while j > 0, entries[j - 1].category > c.category[i] {
          entries.swapAt(j, j - 1)
          j -= 1
        }
      }
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for entry in entries {
        hash = (hash ^ UInt64(UInt32(bitPattern: entry.category))) &* 0x100_0000_01b3
        hash = (hash ^ entry.count.bitPattern) &* 0x100_0000_01b3
      }
      var candidate = firstWithHash[hash] ?? -1
      while candidate >= 0 {
        let p = Int(candidate)
        let range = start[p]..<start[p + 1]
        if range.count == entries.count
          && zip(range, entries).allSatisfy({ category[$0] == $1.category && count[$0] == $1.count })
        {
          break
        }
        candidate = nextWithHash[p]
      }
      if candidate >= 0 {
        patternOf[position] = candidate
        continue
      }
      let p = Int32(total.count)
      nextWithHash.append(firstWithHash[hash] ?? -1)
      firstWithHash[hash] = p
      patternOf[position] = p
      for entry in entries {
        category.append(entry.category)
        count.append(entry.count)
      }
      start.append(category.count)
      total.append(c.total[u])
    }
    return (UnitCounts(q: c.q, start: start, category: category, count: count, total: total), patternOf)
  }
}

/// The p-quantile of sorted values by linear interpolation between closest ranks (numpy's
/// default, Hyndman & Fan type 7).
public func percentile(_ sorted: [Double], _ p: Double) -> Double {
  guard !sorted.isEmpty else { return 0 }
  let position = p * Double(sorted.count - 1)
  let lower = Int(position.rounded(.down))
  let upper = min(lower + 1, sorted.count - 1)
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (position - Double(lower))
}
