/// How many times each category was given to each unit: the sufficient statistic of every
/// coefficient here except Cohen's and Conger's (which also need who gave it).
public struct UnitCounts: Sendable {
  public let q: Int
  /// Counts of unit `u` are at `start[u] ..< start[u + 1]`, only categories with a count.
  let start: [Int]
  let category: [Int32]
  let count: [Double]
  /// Ratings of each unit (m_u).
  let total: [Double]

  public var unitCount: Int { total.count }

  public init(_ table: RatingTable) {
    self.init(table, keep: { _ in true })
  }

  /// Counts from the ratings of the coders `keep` accepts (for leave-one-coder-out figures).
  public init(_ table: RatingTable, keep: (Int32) -> Bool) {
    q = table.categories.count
    var start = [Int](repeating: 0, count: table.unitCount + 1)
    var category: [Int32] = []
    var count: [Double] = []
    var total = [Double](repeating: 0, count: table.unitCount)
    category.reserveCapacity(table.ratingCount)
    count.reserveCapacity(table.ratingCount)
    var scratch = [Double](repeating: 0, count: q)
    var touched: [Int32] = []
    for u in 0..<table.unitCount {
      for i in table.unitStart[u]..<table.unitStart[u + 1] where keep(table.coderOf[i]) {
        let c = Int(table.categoryOf[i])
        if scratch[c] == 0 { touched.append(Int32(c)) }
        scratch[c] += 1
      }
      var m = 0.0
      for c in touched {
        category.append(c)
        count.append(scratch[Int(c)])
        m += scratch[Int(c)]
        scratch[Int(c)] = 0
      }
      touched.removeAll(keepingCapacity: true)
      total[u] = m
      start[u + 1] = category.count
    }
    self.start = start
    self.category = category
    self.count = count
    self.total = total
  }

  init(q: Int, start: [Int], category: [Int32], count: [Double], total: [Double]) {
    self.q = q
    self.start = start
    self.category = category
    self.count = count
    self.total = total
  }
}

/// Inter-coder agreement coefficients. Each returns a value or `.undefined` with the reason;
/// none returns NaN or traps on degenerate data.
///
/// `multiplicity` (one weight per unit, default 1) lets the bootstrap count a resampled unit as
/// often as it was drawn without copying data.
public enum Agreement {
  static let noPairs = "no unit was rated by two or more coders"

  /// Gwet's observed agreement and category prevalences, the shared first half of the
  /// Fleiss/Gwet/Brennan–Prediger/Conger family (Gwet 2014, eq. 2.14 and 2.19; irrCAC `pa`, `pi`):
  ///
  ///   p_a = 1/n₂ Σ_{i: rᵢ≥2} Σ_k r_ik (r*_ik − 1) / (rᵢ(rᵢ − 1)),  r*_ik = Σ_l w_kl r_il
  ///   π_k = 1/n Σ_i r_ik / rᵢ
  ///
  /// over the n units with a rating, n₂ of them with two or more.
  static func observed(_ c: UnitCounts, weights w: AgreementWeights?, multiplicity: [Double]?)
    -> (pa: Double, pi: [Double], n: Double, n2: Double)
  {
    var pi = [Double](repeating: 0, count: c.q)
    var n = 0.0
    var n2 = 0.0
    var sum = 0.0
    for u in 0..<c.unitCount {
      let m = c.total[u]
      guard m >= 1 else { continue }
      let weight = multiplicity?[u] ?? 1
      guard weight > 0 else { continue }
      n += weight
      let range = c.start[u]..<c.start[u + 1]
      for i in range { pi[Int(c.category[i])] += weight * c.count[i] / m }
      guard m >= 2 else { continue }
      n2 += weight
      var agree = 0.0
      for i in range {
        let rk = c.count[i]
        var rkStar = rk
        if let w {
          rkStar = 0
          let k = Int(c.category[i])
          for j in range { rkStar += w(k, Int(c.category[j])) * c.count[j] }
        }
        agree += rk * (rkStar - 1)
      }
      sum += weight * agree / (m * (m - 1))
    }
    if n > 0 { for k in pi.indices { pi[k] /= n } }
    return (n2 > 0 ? sum / n2 : 0, pi, n, n2)
  }

  /// (p_a − p_e) / (1 − p_e). Chance agreement within 1e-12 of 1 is 1 up to rounding (it can
  /// only reach 1 when one category takes every rating), and the coefficient is undefined there
  /// rather than a quotient of two rounding errors.
  static func chanceCorrected(pa: Double, pe: Double, reason: String) -> Estimate {
    guard 1 - pe > 1e-12 else { return .undefined(reason) }
    return Estimate.ratio(pa - pe, 1 - pe, undefinedBecause: reason)
  }

  /// Percent agreement: the share of agreeing pairs of ratings within units, averaged over the
  /// units rated at least twice (Gwet's p_a with identity weights; irrCAC's `pa`).
  public static func percentAgreement(_ c: UnitCounts, multiplicity: [Double]? = nil) -> Estimate {
    let o = observed(c, weights: nil, multiplicity: multiplicity)
    return o.n2 > 0 ? .value(o.pa) : .undefined(noPairs)
  }

  /// Fleiss' kappa (Fleiss 1971), in Gwet's form for any number of ratings per unit and with
  /// optional weights (Gwet 2014, §2.5): κ = (p_a − p_e)/(1 − p_e), p_e = Σ_kl w_kl π_k π_l.
  /// With the same number of ratings on every unit and no weights this is exactly Fleiss (1971)
  /// and statsmodels' `fleiss_kappa`; with missing ratings it is irrCAC's `fleiss()`.
  public static func fleissKappa(_ c: UnitCounts, weights: AgreementWeights? = nil, multiplicity: [Double]? = nil) -> Estimate {
    fleissKappa(observed(c, weights: weights, multiplicity: multiplicity), q: c.q, weights: weights)
  }

  static func fleissKappa(_ o: (pa: Double, pi: [Double], n: Double, n2: Double), q: Int, weights: AgreementWeights?) -> Estimate {
    guard o.n2 > 0 else { return .undefined(noPairs) }
    var pe = 0.0
    for k in 0..<q {
      if let weights {
        for l in 0..<q { pe += weights(k, l) * o.pi[k] * o.pi[l] }
      } else {
        pe += o.pi[k] * o.pi[k]
      }
    }
    return chanceCorrected(pa: o.pa, pe: pe, reason: "chance agreement is 1: every rating is the same category")
  }

  /// Gwet's AC1 (unweighted) or AC2 (weighted) (Gwet 2008; Gwet 2014, §2.6):
  /// p_e = T_w / (q(q − 1)) Σ_k π_k (1 − π_k), with q the number of categories.
  public static func gwetAC(_ c: UnitCounts, weights: AgreementWeights? = nil, multiplicity: [Double]? = nil) -> Estimate {
    gwetAC(observed(c, weights: weights, multiplicity: multiplicity), q: c.q, weights: weights)
  }

  static func gwetAC(_ o: (pa: Double, pi: [Double], n: Double, n2: Double), q categories: Int, weights: AgreementWeights?) -> Estimate {
    guard o.n2 > 0 else { return .undefined(noPairs) }
    let q = Double(categories)
    guard categories >= 2 else { return .undefined("only one category was used, so chance agreement cannot be estimated") }
    let total = weights?.total ?? q
    let pe = total * o.pi.reduce(0) { $0 + $1 * (1 - $1) } / (q * (q - 1))
    return chanceCorrected(pa: o.pa, pe: pe, reason: "chance agreement is 1")
  }

  /// Brennan & Prediger's (1981) coefficient: chance agreement from uniform category use,
  /// p_e = T_w / q² (Gwet 2014, §2.4). Unweighted it equals Randolph's (2005) free-marginal
  /// kappa, p_e = 1/q.
  public static func brennanPrediger(_ c: UnitCounts, weights: AgreementWeights? = nil, multiplicity: [Double]? = nil) -> Estimate {
    brennanPrediger(observed(c, weights: weights, multiplicity: multiplicity), q: c.q, weights: weights)
  }

  static func brennanPrediger(_ o: (pa: Double, pi: [Double], n: Double, n2: Double), q categories: Int, weights: AgreementWeights?) -> Estimate {
    guard o.n2 > 0 else { return .undefined(noPairs) }
    let q = Double(categories)
    let pe = (weights?.total ?? q) / (q * q)
    return chanceCorrected(pa: o.pa, pe: pe, reason: "only one category exists, so chance agreement is 1")
  }

  /// Conger's (1980) kappa: Fleiss' p_a with chance agreement averaged over coder pairs, from
  /// each coder's own category shares (Gwet 2014, §2.5; irrCAC `conger()`):
  /// p_e = Σ_kl w_kl (p̄_k p̄_l − s²_kl / r), p̄_k the mean over coders of p_gk, s²_kl their covariance.
  public static func congerKappa(_ table: RatingTable, counts: UnitCounts? = nil, weights: AgreementWeights? = nil) -> Estimate {
    let c = counts ?? UnitCounts(table)
    let o = observed(c, weights: weights, multiplicity: nil)
    guard o.n2 > 0 else { return .undefined(noPairs) }
    let r = table.coderCount
    guard r >= 2 else { return .undefined("Conger's kappa needs two or more coders") }
    let q = c.q
    var classified = [Double](repeating: 0, count: r * q)
    for i in 0..<table.ratingCount { classified[Int(table.coderOf[i]) * q + Int(table.categoryOf[i])] += 1 }
    var p = [Double](repeating: 0, count: r * q)
    for g in 0..<r {
      let ng = (0..<q).reduce(0.0) { $0 + classified[g * q + $1] }
      guard ng > 0 else { return .undefined("coder \(g) gave no rating") }
      for k in 0..<q { p[g * q + k] = classified[g * q + k] / ng }
    }
    var mean = [Double](repeating: 0, count: q)
    for g in 0..<r { for k in 0..<q { mean[k] += p[g * q + k] } }
    for k in 0..<q { mean[k] /= Double(r) }
    var pe = 0.0
    for k in 0..<q {
      for l in 0..<q {
        let w = weights.map { $0(k, l) } ?? (k == l ? 1 : 0)
        guard w != 0 else { continue }
        var cross = 0.0
        for g in 0..<r { cross += p[g * q + k] * p[g * q + l] }
        let s2 = (cross - Double(r) * mean[k] * mean[l]) / Double(r - 1)
        pe += w * (mean[k] * mean[l] - s2 / Double(r))
      }
    }
    return chanceCorrected(pa: o.pa, pe: pe, reason: "chance agreement is 1: every coder used one and the same category")
  }

  /// Each category against all others, in one pass: nominal alpha and Fleiss' kappa of the
  /// two-category data "c" / "not c" (Fleiss 1971, §4, category kappas), for every category.
  ///
  /// For unit u with m ratings, a of them c and b = m − a not: alpha's observed disagreement adds
  /// 2ab/(m − 1) and its expected is 2·n_c·(n − n_c); Fleiss' p_a adds (a(a−1) + b(b−1))/(m(m−1)).
  /// A category absent from a unit adds nothing to the first and exactly 1 to the second, so
  /// only the categories present in a unit cost anything: O(ratings), not O(units × categories).
  public static func oneAgainstRest(_ c: UnitCounts) -> [(alpha: Estimate, kappa: Estimate)] {
    var observed = [Double](repeating: 0, count: c.q)  // Σ 2ab/(m−1), pairable units
    var pairable = [Double](repeating: 0, count: c.q)  // n_c over pairable units
    var paLoss = [Double](repeating: 0, count: c.q)  // Σ (1 − pa_u) where present, m ≥ 2
    var share = [Double](repeating: 0, count: c.q)  // Σ a/m, units with a rating
    var n = 0.0
    var n2 = 0.0
    var rated = 0.0
    for u in 0..<c.unitCount {
      let m = c.total[u]
      guard m >= 1 else { continue }
      rated += 1
      let range = c.start[u]..<c.start[u + 1]
      for i in range { share[Int(c.category[i])] += c.count[i] / m }
      guard m >= 2 else { continue }
      n += m
      n2 += 1
      for i in range {
        let k = Int(c.category[i])
        let a = c.count[i]
        let b = m - a
        observed[k] += 2 * a * b / (m - 1)
        pairable[k] += a
        paLoss[k] += 1 - (a * (a - 1) + b * (b - 1)) / (m * (m - 1))
      }
    }
    return (0..<c.q).map { k in
      guard n2 > 0 else { return (.undefined(noPairs), .undefined(noPairs)) }
      let expected = 2 * pairable[k] * (n - pairable[k])
      let alpha: Estimate =
        expected > 0
        ? .value(1 - (n - 1) * observed[k] / expected)
        : .undefined("every pairable rating is on one side of this category, so no disagreement is expected")
      let pi = share[k] / rated
      let kappa = chanceCorrected(
        pa: (n2 - paLoss[k]) / n2, pe: pi * pi + (1 - pi) * (1 - pi),
        reason: "every rating is on one side of this category, so chance agreement is 1")
      return (alpha, kappa)
    }
  }
}
