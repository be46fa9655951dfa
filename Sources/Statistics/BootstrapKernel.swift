/// The inner loop of the agreement bootstrap: each unit pattern's terms computed once and laid
/// out in raw buffers, so that a draw is one pass of multiply-adds over the patterns with no
/// bounds checks, no optionals and no reference counting (it runs patterns × draws times, tens of
/// millions for a large file).
///
/// Per pattern u with m ratings and counts n_uc: the share n_uc/m of each category (the
/// category proportions of Fleiss and Gwet), for m ≥ 2 the pairwise agreement
/// Σ n_uc (n_uc − 1) / (m (m − 1)), the nominal disagreement Σ n_uc (m − n_uc) / (m − 1), and for
/// interval values v the moments Σ n_uc x and Σ n_uc x² of x = v − (pairable mean) with the
/// observed disagreement 2 (m Σ n x² − (Σ n x)²) / (m − 1): interval alpha is shift-invariant and
/// its observed term does not depend on the draw.
///
/// Read-only after `init` (the per-draw category sums go into a `Scratch` each worker owns), so
/// one kernel serves draws running at once.
final class BootstrapKernel: @unchecked Sendable {
  struct Sums {
    var n = 0.0
    var n2 = 0.0
    var agree = 0.0
    var disagree = 0.0
    var pairable = 0.0
    var s1 = 0.0
    var s2 = 0.0
    var observedInterval = 0.0
  }

  private let patterns: Int
  private let start: UnsafeMutableBufferPointer<Int>
  private let category: UnsafeMutableBufferPointer<Int>
  private let count: UnsafeMutableBufferPointer<Double>
  private let share: UnsafeMutableBufferPointer<Double>
  /// n_uc for pairable units (m ≥ 2), else 0.
  private let pairableCount: UnsafeMutableBufferPointer<Double>
  /// m for pairable units, else 0; and 1 for pairable units, else 0.
  private let pairableRatings: UnsafeMutableBufferPointer<Double>
  private let isPairable: UnsafeMutableBufferPointer<Double>
  private let agree: UnsafeMutableBufferPointer<Double>
  private let disagree: UnsafeMutableBufferPointer<Double>
  private let s1: UnsafeMutableBufferPointer<Double>
  private let s2: UnsafeMutableBufferPointer<Double>
  private let observed: UnsafeMutableBufferPointer<Double>
  private let interval: Bool
  let q: Int

  /// The per-category sums of one draw, owned by one worker: `pi` (Σ w n_uc/m, over every rated
  /// unit) and `totals` (Σ w n_uc, over m ≥ 2).
  final class Scratch {
    let pi: UnsafeMutableBufferPointer<Double>
    let totals: UnsafeMutableBufferPointer<Double>

    init(q: Int) {
      pi = .allocate(capacity: max(q, 1))
      totals = .allocate(capacity: max(q, 1))
      pi.initialize(repeating: 0)
      totals.initialize(repeating: 0)
    }

    deinit {
      pi.deallocate()
      totals.deallocate()
    }

    /// The category proportions of the last draw: `pi` divided by its `n` units.
    func shares(of n: Double) -> [Double] { pi.map { $0 / n } }

    /// The pairable totals per category of the last draw.
    var pairableTotals: [Double] { Array(totals) }
  }

  init(_ c: UnitCounts, intervalValues: [Double]?) {
    patterns = c.unitCount
    func buffer<T>(_ values: [T]) -> UnsafeMutableBufferPointer<T> {
      let b = UnsafeMutableBufferPointer<T>.allocate(capacity: max(values.count, 1))
      _ = b.initialize(from: values)
      return b
    }
    start = buffer(c.start)
    category = buffer(c.category.map { Int($0) })
    count = buffer(c.count)
    var pairableCount = c.count
    for u in 0..<patterns where c.total[u] < 2 {
      for i in c.start[u]..<c.start[u + 1] { pairableCount[i] = 0 }
    }
    self.pairableCount = buffer(pairableCount)
    pairableRatings = buffer(c.total.map { $0 >= 2 ? $0 : 0 })
    isPairable = buffer(c.total.map { $0 >= 2 ? 1 : 0 })
    var share = [Double](repeating: 0, count: c.count.count)
    var agree = [Double](repeating: 0, count: patterns)
    var disagree = agree
    var s1 = agree
    var s2 = agree
    var observed = agree
    var (total, sum) = (0.0, 0.0)
    for u in 0..<patterns where c.total[u] >= 2 {
      for i in c.start[u]..<c.start[u + 1] {
        total += c.count[i]
        sum += c.count[i] * (intervalValues?[Int(c.category[i])] ?? 0)
      }
    }
    let mean = total > 0 ? sum / total : 0
    for u in 0..<patterns {
      let m = c.total[u]
      for i in c.start[u]..<c.start[u + 1] { share[i] = c.count[i] / m }
      guard m >= 2 else { continue }
      for i in c.start[u]..<c.start[u + 1] {
        agree[u] += c.count[i] * (c.count[i] - 1)
        disagree[u] += c.count[i] * (m - c.count[i])
        if let intervalValues {
          let x = intervalValues[Int(c.category[i])] - mean
          s1[u] += c.count[i] * x
          s2[u] += c.count[i] * x * x
        }
      }
      agree[u] /= m * (m - 1)
      disagree[u] /= m - 1
      observed[u] = 2 * (m * s2[u] - s1[u] * s1[u]) / (m - 1)
    }
    self.share = buffer(share)
    self.agree = buffer(agree)
    self.disagree = buffer(disagree)
    self.s1 = buffer(s1)
    self.s2 = buffer(s2)
    self.observed = buffer(observed)
    interval = intervalValues != nil
    q = c.q
  }

  deinit {
    for b in [count, share, pairableCount, pairableRatings, isPairable, agree, disagree, s1, s2, observed] { b.deallocate() }
    start.deallocate()
    category.deallocate()
  }

  /// The sums of one draw, pattern `u` counted `weight[u]` times; the per-category sums are left
  /// in `scratch`.
  func sums(_ weight: UnsafeBufferPointer<Double>, into scratch: Scratch) -> Sums {
    var s = Sums()
    let (pi, totals) = (scratch.pi, scratch.totals)
    for k in pi.indices {
      pi[k] = 0
      totals[k] = 0
    }
    // No branch in the loop: a weight of 0 (a third of them in a Poisson draw) adds zeros, and the
    // terms of a unit with one rating are zeros where it is not pairable, so the loop runs
    // without mispredictions.
    for u in 0..<patterns {
      let w = weight[u]
      s.n += w
      s.n2 += w * isPairable[u]
      s.agree += w * agree[u]
      s.disagree += w * disagree[u]
      s.pairable += w * pairableRatings[u]
      for i in start[u]..<start[u + 1] {
        pi[category[i]] += w * share[i]
        totals[category[i]] += w * pairableCount[i]
      }
      if interval {
        s.s1 += w * s1[u]
        s.s2 += w * s2[u]
        s.observedInterval += w * observed[u]
      }
    }
    return s
  }

}
