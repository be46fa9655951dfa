#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Draws indexes in proportion to integer counts in O(1) per draw: Walker's alias method, built
/// with Vose's algorithm in exact integer arithmetic. A draw takes one 64-bit random number: the
/// high word of its product with the column count picks the column, the low word is compared
/// with the column's cut (its own share as a fraction of 2^64), so each index comes with
/// probability `counts[i] / total` to within 2^-64, without a division per draw.
///
/// A bootstrap that resamples n units over P distinct unit patterns draws from the P patterns
/// with this instead of drawing a unit and looking up its pattern: the tables are a few KB and
/// stay in cache, where a lookup per drawn unit walks an array the size of the data.
public struct AliasSampler: Sendable {
  /// Per column: its cut, and the column its remaining mass belongs to.
  private let columns: [(cut: UInt64, alias: Int)]

  /// `counts` must be non-negative with a positive sum.
  public init(counts: [Int]) {
    let columns = counts.count
    let total = counts.reduce(0, +)
    precondition(columns > 0 && total > 0, "AliasSampler needs a positive total")
    // Column i holds `total` units of mass: scaled[i] of its own, the rest from alias[i].
    var scaled = counts.map { $0 * columns }
    var threshold = [Int](repeating: total, count: columns)
    var alias = (0..<columns).map { Int32($0) }
    var small = (0..<columns).filter { scaled[$0] < total }
    var large = (0..<columns).filter { scaled[$0] >= total }
    while let s = small.popLast(), let l = large.last {
      threshold[s] = scaled[s]
      alias[s] = Int32(l)
      scaled[l] -= total - scaled[s]
      if scaled[l] < total {
        large.removeLast()
        small.append(l)
      }
    }
    self.columns = (0..<columns).map { i in
      let own = threshold[i]
      return (own >= total ? UInt64.max : UInt64((UInt128(own) << 64) / UInt128(total)), Int(alias[i]))
    }
  }

  /// One index, drawn with probability `counts[i] / total`.
  @inline(__always)
  public func draw(_ generator: inout SeededGenerator) -> Int {
    let product = generator.next().multipliedFullWidth(by: UInt64(columns.count))
    let column = Int(product.high)
    return product.low < columns[column].cut ? column : columns[column].alias
  }

  /// Adds `draws` draws to `tally` (one count per index), with the tables held as raw pointers:
  /// the inner loop of a bootstrap, run hundreds of millions of times.
  public func tally(_ draws: Int, into tally: UnsafeMutableBufferPointer<Double>, _ generator: inout SeededGenerator) {
    columns.withUnsafeBufferPointer { table in
      let width = UInt64(table.count)
      for _ in 0..<draws {
        let product = generator.next().multipliedFullWidth(by: width)
        let column = table[Int(product.high)]
        tally[product.low < column.cut ? Int(product.high) : column.alias] += 1
      }
    }
  }
}

/// Poisson variates for the small integer means of a Poisson bootstrap (a pattern drawn c times
/// in the data gets a Poisson(c) weight): one alias table per mean (`AliasSampler`, over the
/// probabilities of k = 0, 1, … in units of 2^-50, the tail beyond the last k below 2^-53
/// folded into it), so a draw is one random number and a select, with no search whose branches
/// the processor mispredicts. Means above `largest` use `SeededGenerator.poisson`.
struct SmallPoissonTables: Sendable {
  static let largest = 64
  private let samplers: [AliasSampler]

  init() {
    var samplers = [AliasSampler(counts: [1])]  // mean 0: always 0
    for mean in 1...Self.largest {
      let lambda = Double(mean)
      var probability = exp(-lambda)
      var total = 0.0
      var k = 0.0
      var weights: [Int] = []
      while 1 - total > 0x1p-53 && k < lambda * 4 + 40 {
        weights.append(Int((probability * 0x1p50).rounded()))
        total += probability
        k += 1
        probability *= lambda / k
      }
      samplers.append(AliasSampler(counts: weights))
    }
    self.samplers = samplers
  }

  @inline(__always)
  func draw(_ mean: Int, _ generator: inout SeededGenerator) -> Int {
    guard mean <= Self.largest else { return generator.poisson(Double(mean)) }
    return samplers[mean].draw(&generator)
  }
}

extension SeededGenerator {
  /// A uniform double in [0, 1) with 53 random bits.
  mutating func unit() -> Double { Double(next() >> 11) * 0x1p-53 }

  /// A Poisson(mean) variate, exactly: Knuth's multiplication method below a mean of 10, and
  /// Hörmann's transformed rejection with squeeze (PTRS; W. Hörmann, "The transformed rejection
  /// method for generating Poisson random variables", Insurance: Mathematics and Economics 12,
  /// 1993) from 10 on, the algorithm numpy uses; O(1) expected time for any mean.
  mutating func poisson(_ mean: Double) -> Int {
    guard mean > 0 else { return 0 }
    if mean < 10 {
      let limit = exp(-mean)
      var k = 0
      var product = unit()
      while product > limit {
        k += 1
        product *= unit()
      }
      return k
    }
    let root = mean.squareRoot()
    let logMean = log(mean)
    let b = 0.931 + 2.53 * root
    let a = -0.059 + 0.02483 * b
    let inverseAlpha = 1.1239 + 1.1328 / (b - 3.4)
    let vr = 0.9277 - 3.6224 / (b - 2)
    while true {
      let u = unit() - 0.5
      let v = unit()
      let us = 0.5 - abs(u)
      let k = ((2 * a / us + b) * u + mean + 0.43).rounded(.down)
      if us >= 0.07, v <= vr { return Int(k) }
      if k < 0 || (us < 0.013 && v > us) { continue }
      if log(v) + log(inverseAlpha) - log(a / (us * us) + b) <= -mean + k * logMean - lgamma(k + 1) { return Int(k) }
    }
  }
}
