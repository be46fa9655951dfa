/// How Cohen's kappa weighs disagreements between category positions i and j.
public enum KappaWeighting: String, Sendable, CaseIterable, Codable {
  /// Every disagreement counts 1.
  case unweighted
  /// |i − j|.
  case linear
  /// (i − j)².
  case quadratic
}

extension Agreement {
  /// Cohen's kappa from a square contingency table (rows: coder A's category, columns: B's):
  /// κ = 1 − Σ w_ij O_ij / Σ w_ij E_ij with E = outer(row sums, column sums) / N (Cohen 1960;
  /// weighted, Cohen 1968). Weights use category positions, as scikit-learn's
  /// `cohen_kappa_score` and statsmodels' `cohens_kappa` do. Undefined (not NaN, which
  /// scikit-learn returns) when no disagreement is expected: both coders used one and the same
  /// single category.
  public static func cohenKappa(contingency: [[Double]], weighting: KappaWeighting = .unweighted) -> Estimate {
    let size = contingency.count
    let total = contingency.reduce(0) { $0 + $1.reduce(0, +) }
    guard total > 0 else { return .undefined("no unit was rated by both coders") }
    var rows = [Double](repeating: 0, count: size)
    var cols = [Double](repeating: 0, count: size)
    for i in 0..<size {
      for j in 0..<size {
        rows[i] += contingency[i][j]
        cols[j] += contingency[i][j]
      }
    }
    var observed = 0.0
    var expected = 0.0
    for i in 0..<size {
      for j in 0..<size where i != j {
        let d = Double(abs(i - j))
        let w: Double
        switch weighting {
        case .unweighted: w = 1
        case .linear: w = d
        case .quadratic: w = d * d
        }
        observed += w * contingency[i][j]
        expected += w * rows[i] * cols[j] / total
      }
    }
    guard expected > 0 else {
      return .undefined("both coders used one and the same single category, so no disagreement is expected")
    }
    return .value(1 - observed / expected)
  }

  /// Cohen's kappa between two coders of a table, on the units both rated. Categories are those
  /// either coder used on those units, in the table's order (as scikit-learn's labels).
  public static func cohenKappa(_ table: RatingTable, coders a: Int, _ b: Int, weighting: KappaWeighting = .unweighted) -> Estimate {
    var pairs: [(Int, Int)] = []
    for u in 0..<table.unitCount {
      var ca = -1
      var cb = -1
      for i in table.unitStart[u]..<table.unitStart[u + 1] {
        if Int(table.coderOf[i]) == a { ca = Int(table.categoryOf[i]) }
        if Int(table.coderOf[i]) == b { cb = Int(table.categoryOf[i]) }
      }
      if ca >= 0, cb >= 0 { pairs.append((ca, cb)) }
    }
    let used = Set(pairs.flatMap { [$0.0, $0.1] }).sorted()
    var position = [Int: Int]()
    for (i, c) in used.enumerated() { position[c] = i }
    var contingency = [[Double]](repeating: [Double](repeating: 0, count: used.count), count: used.count)
    for (x, y) in pairs { contingency[position[x]!][position[y]!] += 1 }
    return cohenKappa(contingency: contingency, weighting: weighting)
  }
}
