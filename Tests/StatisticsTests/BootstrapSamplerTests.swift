import Foundation
import Testing

@testable import Statistics

@Suite struct BootstrapSamplerTests {
  @Test func aliasDrawsFollowTheCountsAndNeverAZeroCount() {
    let counts = [1, 0, 5, 994, 3000]
    let sampler = AliasSampler(counts: counts)
    var generator = SeededGenerator(seed: 5)
    var tally = [Double](repeating: 0, count: counts.count)
    let draws = 2_000_000
    tally.withUnsafeMutableBufferPointer { sampler.tally(draws, into: $0, &generator) }
    let total = Double(counts.reduce(0, +))
    #expect(tally[1] == 0 && tally.reduce(0, +) == Double(draws))
    for (i, c) in counts.enumerated() where c > 0 {
      let p = Double(c) / total
      let expected = p * Double(draws)
      let sigma = (Double(draws) * p * (1 - p)).squareRoot()
      #expect(abs(tally[i] - expected) < 5 * sigma + 1, "index \(i): \(tally[i]) vs \(expected)")
    }
    var single = SeededGenerator(seed: 1)
    #expect(AliasSampler(counts: [0, 7]).draw(&single) == 1)
  }

  /// The table draws of the Poisson bootstrap follow the Poisson probabilities k by k (a
  /// chi-square-like bound per cell), for small means and for the largest the tables hold.
  @Test(arguments: [1, 2, 5, 17, 40, SmallPoissonTables.largest, SmallPoissonTables.largest + 1])
  func tablePoissonDrawsFollowThePoissonProbabilities(mean: Int) {
    let tables = SmallPoissonTables()
    var generator = SeededGenerator(seed: UInt64(mean))
    let n = 200_000
    var tally: [Int: Int] = [:]
    for _ in 0..<n { tally[tables.draw(mean, &generator), default: 0] += 1 }
    let lambda = Double(mean)
    var probability = exp(-lambda)
    for k in 0..<(mean * 3 + 10) {
      if k > 0 { probability *= lambda / Double(k) }
      let expected = probability * Double(n)
      let sigma = (expected * (1 - probability)).squareRoot()
      #expect(abs(Double(tally[k] ?? 0) - expected) < 5 * sigma + 2, "P(\(k)) for mean \(mean): \(tally[k] ?? 0) vs \(expected)")
    }
    var zero = SeededGenerator(seed: 1)
    #expect(tables.draw(0, &zero) == 0)
  }

  @Test(arguments: [0.5, 3.0, 9.99, 10.0, 37.5, 250.0, 10_000.0])
  func poissonVariatesHaveTheRightMeanAndVariance(mean: Double) {
    var generator = SeededGenerator(seed: UInt64(mean * 100))
    let n = 40_000
    let values = (0..<n).map { _ in Double(generator.poisson(mean)) }
    let average = values.reduce(0, +) / Double(n)
    let variance = values.reduce(0) { $0 + ($1 - average) * ($1 - average) } / Double(n - 1)
    #expect(values.allSatisfy { $0 >= 0 && $0 == $0.rounded() })
    #expect(abs(average - mean) < 5 * (mean / Double(n)).squareRoot(), "mean \(average) for \(mean)")
    #expect(abs(variance / mean - 1) < 0.06, "variance \(variance) for \(mean)")
  }

  /// Just above the threshold the Poisson bootstrap takes over; on nearly the same data its
  /// interval must be about as wide as the multinomial bootstrap's just below it.
  @Test func thePoissonBootstrapAgreesWithTheMultinomialOneAtTheThreshold() throws {
    var generator = SeededGenerator(seed: 11)
    let units = AgreementReport.poissonThreshold + 1
    var (u, c, v) = ([Int32](), [Int32](), [Int32]())
    for unit in 0..<units {
      let truth = Int32(generator.below(3))
      for coder in 0..<3 {
        u.append(Int32(unit))
        c.append(Int32(coder))
        v.append(generator.below(10) < 2 ? Int32(generator.below(3)) : truth)
      }
    }
    func report(_ count: Int) throws -> AgreementReport {
      let table = try RatingTable(
        unitCount: count, coderCount: 3, values: ["a", "b", "c"], unitOf: Array(u.prefix(count * 3)), coderOf: Array(c.prefix(count * 3)),
        valueOf: Array(v.prefix(count * 3)))
      return AgreementReport.analyze(table, level: .nominal, coderNames: ["x", "y", "z"], bootstrap: 300, seed: 3)
    }
    let poisson = try report(units)
    let multinomial = try report(units - 1)
    #expect(poisson.confidenceIntervals?.method.contains("Poisson") == true)
    #expect(multinomial.confidenceIntervals?.method.contains("Poisson") == false)
    for name in ["krippendorffAlpha", "fleissKappa", "gwetAC1", "percentAgreement"] {
      let p = try #require(poisson.confidenceIntervals?.coefficients[name])
      let m = try #require(multinomial.confidenceIntervals?.coefficients[name])
      let ratio = (p.high - p.low) / (m.high - m.low)
      #expect(ratio > 0.75 && ratio < 1.33, "\(name): widths \(p.high - p.low) vs \(m.high - m.low)")
      let value = try #require(poisson.krippendorffAlpha.value)
      if name == "krippendorffAlpha" { #expect(p.low < value && value < p.high) }
    }
  }
}
