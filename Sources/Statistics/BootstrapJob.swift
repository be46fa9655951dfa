/// Runs `count` independent jobs, numbered 0..<count, in any order and possibly at once, and
/// returns when all are done. Statistics has no threads of its own: a caller that has some
/// passes a runner that uses them (`Dispatch`'s `concurrentPerform`, say).
public typealias JobRunner = @Sendable (_ count: Int, _ job: @Sendable (Int) -> Void) -> Void

/// The runner without threads: each job in turn.
public let runInTurn: JobRunner = { count, job in
  for index in 0..<count { job(index) }
}

/// A share of the bootstrap's draws, made from its own generator; everything it reads is shared
/// and read-only, everything it writes is its own.
struct BootstrapJob: Sendable {
  struct Result: Sendable {
    var samples: [String: [Double]] = [:]
    var undefined: [String: Int] = [:]
  }

  let kernel: BootstrapKernel
  let counts: UnitCounts
  let patternCounts: [Int]
  let sampler: AliasSampler
  let smallPoisson: SmallPoissonTables
  /// Rated units (the size of a draw with replacement).
  let units: Int
  let poisson: Bool
  let level: MeasurementLevel
  let values: [Double]?

  func run(draws: Int, seed: UInt64) -> Result {
    var result = Result()
    func record(_ name: String, _ estimate: Estimate) {
      if let v = estimate.value, v.isFinite {
        result.samples[name, default: []].append(v)
      } else {
        result.undefined[name, default: 0] += 1
      }
    }
    var generator = SeededGenerator(seed: seed)
    let scratch = BootstrapKernel.Scratch(q: kernel.q)
    let q = kernel.q
    var multiplicity = [Double](repeating: 0, count: patternCounts.count)
    for _ in 0..<draws {
      let sums = multiplicity.withUnsafeMutableBufferPointer { drawn in
        if poisson {
          for p in drawn.indices { drawn[p] = Double(smallPoisson.draw(patternCounts[p], &generator)) }
        } else {
          for p in drawn.indices { drawn[p] = 0 }
          sampler.tally(units, into: drawn, &generator)
        }
        return kernel.sums(UnsafeBufferPointer(drawn), into: scratch)
      }
      guard sums.n2 > 0 else {
        for name in ["percentAgreement", "fleissKappa", "gwetAC1", "brennanPrediger", "krippendorffAlpha"] {
          record(name, .undefined(Agreement.noPairs))
        }
        continue
      }
      let observed = (pa: sums.agree / sums.n2, pi: scratch.shares(of: sums.n), n: sums.n, n2: sums.n2)
      record("percentAgreement", .value(observed.pa))
      record("fleissKappa", Agreement.fleissKappa(observed, q: q, weights: nil))
      record("gwetAC1", Agreement.gwetAC(observed, q: q, weights: nil))
      record("brennanPrediger", Agreement.brennanPrediger(observed, q: q, weights: nil))
      let pairable = sums.pairable
      if level == .nominal {
        let totals = scratch.pairableTotals
        let expected = pairable * pairable - totals.reduce(0) { $0 + $1 * $1 }
        record(
          "krippendorffAlpha",
          totals.filter { $0 > 0 }.count >= 2 ? .value(1 - (pairable - 1) * sums.disagree / expected) : .undefined("one value only"))
      } else if level == .interval, case let expected = 2 * (pairable * sums.s2 - sums.s1 * sums.s1),
        expected > 1e-9 * pairable * sums.s2
      {
        record("krippendorffAlpha", Agreement.alpha(observed: sums.observedInterval, expected: expected, n: pairable))
      } else {
        // Other levels, and a draw whose values are (nearly) all alike, take the whole computation.
        record("krippendorffAlpha", Agreement.krippendorffAlpha(counts, level: level, values: values, multiplicity: multiplicity))
      }
    }
    return result
  }
}

/// Where the jobs leave their results: one slot each, written by that job alone.
final class JobResults: @unchecked Sendable {
  private let slots: UnsafeMutableBufferPointer<BootstrapJob.Result>

  init(count: Int) {
    slots = .allocate(capacity: max(count, 1))
    slots.initialize(repeating: BootstrapJob.Result())
  }

  deinit {
    slots.deinitialize()
    slots.deallocate()
  }

  /// Job `index`'s result; each index is stored by one job only.
  func store(_ result: BootstrapJob.Result, at index: Int) { slots[index] = result }

  /// Every job's result, in job order (call after the runner returned).
  func collected() -> [BootstrapJob.Result] { Array(slots) }
}
