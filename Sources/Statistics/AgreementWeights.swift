/// Weights between categories for the weighted agreement coefficients (Gwet's AC2, weighted
/// Fleiss, Conger, Brennan–Prediger), as defined in Gwet, Handbook of Inter-Rater Reliability
/// (4th ed., 2014), ch. 3, and implemented by irrCAC. 1 means full agreement, 0 none.
///
/// Category values are the numbers themselves when every category is a number, else 1…q in
/// category order (the ordinal weights always use positions).
public struct AgreementWeights: Sendable {
  public enum Kind: String, Sendable, CaseIterable {
    /// 1 on the diagonal, 0 elsewhere (unweighted).
    case identity
    /// 1 − |k − l| / (max − min).
    case linear
    /// 1 − C(|i − j| + 1, 2) / max of that, on positions i, j.
    case ordinal
    /// 1 − (k − l)² / (max − min)².
    case quadratic
    /// 1 − ((k − l)/(k + l))² / ((max − min)/(max + min))².
    case ratio

    /// The weights Gwet recommends for each measurement level.
    public static func forLevel(_ level: MeasurementLevel) -> Kind {
      switch level {
      case .nominal: .identity
      case .ordinal: .ordinal
      case .interval: .quadratic
      case .ratio: .ratio
      }
    }
  }

  public let kind: Kind
  public let q: Int
  /// Row-major q × q.
  public let matrix: [Double]

  public init(_ kind: Kind, categoryValues values: [Double]) {
    self.kind = kind
    let q = values.count
    self.q = q
    var m = [Double](repeating: 0, count: q * q)
    let lo = values.min() ?? 0
    let hi = values.max() ?? 0
    for k in 0..<q {
      for l in 0..<q {
        let w: Double
        switch kind {
        case .identity:
          w = k == l ? 1 : 0
        case .linear:
          w = hi == lo ? 1 : 1 - abs(values[k] - values[l]) / (hi - lo)
        case .ordinal:
          let span = Double(q - 1) * Double(q) / 2  // the largest C(n, 2), at n = q
          let n = Double(abs(k - l) + 1)
          w = span == 0 ? 1 : 1 - n * (n - 1) / 2 / span
        case .quadratic:
          w = hi == lo ? 1 : 1 - ((values[k] - values[l]) / (hi - lo)) * ((values[k] - values[l]) / (hi - lo))
        case .ratio:
          let sum = values[k] + values[l]
          let d = sum == 0 ? 0 : (values[k] - values[l]) / sum
          let scale = hi + lo == 0 ? 0 : (hi - lo) / (hi + lo)
          w = scale == 0 ? (k == l ? 1 : 0) : 1 - (d * d) / (scale * scale)
        }
        m[k * q + l] = w
      }
    }
    matrix = m
  }

  @inline(__always) public func callAsFunction(_ k: Int, _ l: Int) -> Double { matrix[k * q + l] }

  /// The sum of all weights (T_w in Gwet's notation).
  public var total: Double { matrix.reduce(0, +) }
}
