extension Agreement {
  /// Krippendorff's alpha at any measurement level, with missing ratings (Krippendorff,
  /// "Computing Krippendorff's Alpha-Reliability", 2011):
  ///
  ///   α = 1 − (n − 1) · Σ_u [1/(m_u − 1)] Σ_{c,k} n_uc n_uk δ²(c,k)  /  Σ_{c,k} n_c n_k δ²(c,k)
  ///
  /// over the units with m_u ≥ 2 ratings (n pairable values, n_c of value c). δ² is 0/1 for
  /// nominal, (c − k)² for interval, ((c − k)/(c + k))² for ratio, and for ordinal
  /// (Σ_{g=c..k} n_g − (n_c + n_k)/2)², which equals (a_k − a_c)² with the mid-ranks
  /// a_j = Σ_{g≤j} n_g − n_j/2, so ordinal is computed as interval on mid-ranks.
  ///
  /// Interval and ordinal cost O(ratings) through moments (Σ n v, Σ n v²) rather than the
  /// O(values²) coincidence matrix, which is why this is fast with many distinct values. Values
  /// are centred first so that the moments do not lose precision. The result equals the
  /// `krippendorff` package's to about 1e-12.
  public static func krippendorffAlpha(
    _ c: UnitCounts, level: MeasurementLevel, values: [Double]?, multiplicity: [Double]? = nil
  ) -> Estimate {
    // Pairable value totals.
    var nc = [Double](repeating: 0, count: c.q)
    var n = 0.0
    for u in 0..<c.unitCount where c.total[u] >= 2 {
      let weight = multiplicity?[u] ?? 1
      guard weight > 0 else { continue }
      for i in c.start[u]..<c.start[u + 1] { nc[Int(c.category[i])] += weight * c.count[i] }
      n += weight * c.total[u]
    }
    guard n > 0 else { return .undefined(noPairs) }
    guard nc.lazy.filter({ $0 > 0 }).count >= 2 else {
      return .undefined("all pairable ratings have the same value, so no disagreement is expected")
    }

    switch level {
    case .nominal:
      var observed = 0.0
      for u in 0..<c.unitCount where c.total[u] >= 2 {
        let weight = multiplicity?[u] ?? 1
        guard weight > 0 else { continue }
        let m = c.total[u]
        var disagreeing = 0.0
        for i in c.start[u]..<c.start[u + 1] { disagreeing += c.count[i] * (m - c.count[i]) }
        observed += weight * disagreeing / (m - 1)
      }
      let expected = n * n - nc.reduce(0) { $0 + $1 * $1 }
      return Agreement.alpha(observed: observed, expected: expected, n: n)

    case .interval, .ordinal:
      var v: [Double]
      if level == .interval {
        guard let values else { return .undefined("interval alpha needs numeric values") }
        v = values
      } else {
        v = [Double](repeating: 0, count: c.q)
        var cumulative = 0.0
        for k in 0..<c.q {
          cumulative += nc[k]
          v[k] = cumulative - nc[k] / 2
        }
      }
      var mean = 0.0
      for k in 0..<c.q { mean += nc[k] * v[k] }
      mean /= n
      for k in v.indices { v[k] -= mean }
      var observed = 0.0
      for u in 0..<c.unitCount where c.total[u] >= 2 {
        let weight = multiplicity?[u] ?? 1
        guard weight > 0 else { continue }
        let m = c.total[u]
        var s1 = 0.0
        var s2 = 0.0
        for i in c.start[u]..<c.start[u + 1] {
          let x = v[Int(c.category[i])]
          s1 += c.count[i] * x
          s2 += c.count[i] * x * x
        }
        observed += weight * 2 * (m * s2 - s1 * s1) / (m - 1)
      }
      var t1 = 0.0
      var t2 = 0.0
      for k in 0..<c.q {
        t1 += nc[k] * v[k]
        t2 += nc[k] * v[k] * v[k]
      }
      let expected = 2 * (n * t2 - t1 * t1)
      return Agreement.alpha(observed: observed, expected: expected, n: n)

    case .ratio:
      guard let values else { return .undefined("ratio alpha needs numeric values") }
      func delta(_ a: Double, _ b: Double) -> Double {
        let sum = a + b
        guard sum != 0 else { return 0 }
        let d = (a - b) / sum
        return d * d
      }
      var observed = 0.0
      for u in 0..<c.unitCount where c.total[u] >= 2 {
        let weight = multiplicity?[u] ?? 1
        guard weight > 0 else { continue }
        let range = c.start[u]..<c.start[u + 1]
        var pairs = 0.0
        for i in range {
          for j in range where j != i {
            pairs += c.count[i] * c.count[j] * delta(values[Int(c.category[i])], values[Int(c.category[j])])
          }
        }
        observed += weight * pairs / (c.total[u] - 1)
      }
      let present = (0..<c.q).filter { nc[$0] > 0 }
      var expected = 0.0
      for k in present {
        for l in present where l != k { expected += nc[k] * nc[l] * delta(values[k], values[l]) }
      }
      return Agreement.alpha(observed: observed, expected: expected, n: n)
    }
  }
}

extension Agreement {
  /// α = 1 − (n − 1) D_o / D_e, undefined when the expected disagreement is zero or the
  /// quotient is not a finite number.
  static func alpha(observed: Double, expected: Double, n: Double) -> Estimate {
    let value = 1 - (n - 1) * observed / expected
    guard expected > 0, value.isFinite else {
      return .undefined(expected > 0 ? Estimate.notFinite : "no disagreement is expected: the pairable values are all alike")
    }
    return .value(value)
  }
}
