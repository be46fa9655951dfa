#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

// The C library's math (exp, log, erfc, lgamma) is the platform's standard library; Swift's own
// standard library has no transcendental functions.

/// Tail probabilities of the distributions the drift tests need.
public enum Distributions {
  /// P(Z > z) for a standard normal.
  public static func normalSurvival(_ z: Double) -> Double { 0.5 * erfc(z / 2.0.squareRoot()) }

  /// P(X > x) for chi-square with `df` degrees of freedom: the regularised upper incomplete gamma
  /// Q(df/2, x/2), by series below a + 1 and by Lentz's continued fraction above (Numerical
  /// Recipes, 3rd ed., §6.2), to about 1e-15 relative.
  public static func chiSquareSurvival(_ x: Double, degreesOfFreedom df: Double) -> Double {
    guard x > 0 else { return 1 }
    return upperGamma(df / 2, x / 2)
  }

  static func upperGamma(_ a: Double, _ x: Double) -> Double {
    let logPrefix = -x + a * log(x) - lgamma(a)
    if x < a + 1 {
      var term = 1 / a
      var sum = term
      var ap = a
      for _ in 0..<10_000 {
        ap += 1
        term *= x / ap
        sum += term
        if abs(term) < abs(sum) * 1e-17 { break }
      }
      return max(0, 1 - sum * exp(logPrefix))
    }
    let tiny = 1e-300
    var b = x + 1 - a
    var c = 1 / tiny
    var d = 1 / b
    var h = d
    for i in 1...10_000 {
      let an = -Double(i) * (Double(i) - a)
      b += 2
      d = an * d + b
      if abs(d) < tiny { d = tiny }
      c = b + an / c
      if abs(c) < tiny { c = tiny }
      d = 1 / d
      let delta = d * c
      h *= delta
      if abs(delta - 1) < 1e-17 { break }
    }
    return min(1, exp(logPrefix) * h)
  }

  /// P(D ≥ d) for the two-sided two-sample Kolmogorov–Smirnov statistic of samples of sizes m
  /// and n, exactly: one minus the probability that a uniformly random lattice path from (0,0)
  /// to (m,n) stays strictly inside |i/m − j/n| < d (Hodges 1958). The path count is carried as
  /// a probability, P(i,j) = i/(i+j)·P(i−1,j) + j/(i+j)·P(i,j−1), so nothing overflows; d is
  /// snapped to the lattice as scipy's exact mode does (h = round(d·lcm)). O(m·n) time, O(n) memory.
  public static func kolmogorovSmirnovExact(_ d: Double, _ m: Int, _ n: Int) -> Double {
    let g = gcd(m, n)
    let lcm = Double(m / g) * Double(n)
    let h = (d * lcm).rounded()
    guard h > 0 else { return 1 }
    // Outside when |i·n − j·m| ≥ h·g.
    let bound = h * Double(g)
    var row = [Double](repeating: 0, count: n + 1)
    for i in 0...m {
      for j in 0...n {
        if abs(Double(i) * Double(n) - Double(j) * Double(m)) >= bound {
          row[j] = 0
        } else if i == 0 && j == 0 {
          row[j] = 1
        } else {
          let total = Double(i + j)
          let fromLeft = i > 0 ? Double(i) / total * row[j] : 0  // row[j] still holds P(i−1, j)
          let fromBelow = j > 0 ? Double(j) / total * row[j - 1] : 0
          row[j] = fromLeft + fromBelow
        }
      }
    }
    return min(1, max(0, 1 - row[n]))
  }

  /// P(K > x) for the Kolmogorov distribution, the large-sample limit of √(mn/(m+n))·D:
  /// 2 Σ_{k≥1} (−1)^{k−1} e^{−2k²x²} (and 1 − √(2π)/x Σ e^{−(2k−1)²π²/(8x²)} for small x).
  public static func kolmogorovSurvival(_ x: Double) -> Double {
    guard x > 0 else { return 1 }
    if x < 1 {
      var sum = 0.0
      for k in 1...20 {
        let t = Double(2 * k - 1)
        sum += exp(-t * t * Double.pi * Double.pi / (8 * x * x))
      }
      return max(0, min(1, 1 - (2 * Double.pi).squareRoot() / x * sum))
    }
    var sum = 0.0
    var sign = 1.0
    for k in 1...100 {
      let term = exp(-2 * Double(k * k) * x * x)
      sum += sign * term
      if term < 1e-18 { break }
      sign = -sign
    }
    return max(0, min(1, 2 * sum))
  }

  static func gcd(_ a: Int, _ b: Int) -> Int { b == 0 ? a : gcd(b, a % b) }
}

/// Natural logarithm, for the drift measures (the C library's).
func naturalLog(_ x: Double) -> Double { log(x) }
