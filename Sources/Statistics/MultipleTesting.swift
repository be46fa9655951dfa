/// Corrections for testing several hypotheses at once (DOMAIN.md, "Drift tests": several
/// columns tested at once inflate false alarms).
public enum Correction: String, Sendable, CaseIterable, Codable {
  /// Benjamini–Hochberg (1995): controls the false discovery rate.
  case bh
  /// Bonferroni: controls the family-wise error rate; p × m, at most 1.
  case bonferroni
  /// No correction.
  case none

  /// The adjusted p-values, in the order given, as statsmodels' `multipletests` computes them
  /// (`fdr_bh`: the step-up adjusted values, made monotone from the largest p down).
  public func adjust(_ p: [Double]) -> [Double] {
    let m = Double(p.count)
    switch self {
    case .none: return p
    case .bonferroni: return p.map { min(1, $0 * m) }
    case .bh:
      let order = p.indices.sorted { p[$0] < p[$1] }
      var adjusted = [Double](repeating: 0, count: p.count)
      var running = 1.0
      for rank in stride(from: order.count - 1, through: 0, by: -1) {
        let i = order[rank]
        running = min(running, p[i] * m / Double(rank + 1))
        adjusted[i] = min(1, running)
      }
      return adjusted
    }
  }
}
