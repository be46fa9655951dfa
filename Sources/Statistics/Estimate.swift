/// A statistic's value, or the reason it has none on this data. Never NaN.
public enum Estimate: Sendable, Equatable, Encodable, CustomStringConvertible {
  case value(Double)
  case undefined(String)

  /// The value, or nil when undefined.
  public var value: Double? {
    if case .value(let v) = self { return v }
    return nil
  }

  /// `num / den`, or undefined with `reason` when the denominator is zero (or the result is not
  /// a finite number).
  public static func ratio(_ num: Double, _ den: Double, undefinedBecause reason: String) -> Estimate {
    guard den != 0 else { return .undefined(reason) }
    let v = num / den
    return v.isFinite ? .value(v) : .undefined(reason)
  }

  /// A number when defined, `{"undefined": "<reason>"}` otherwise.
  public func encode(to encoder: any Encoder) throws {
    switch self {
    case .value(let v) where !v.isFinite:
      // A last guard: no figure is written as NaN (JSON has none) and no write fails for one.
      var container = encoder.container(keyedBy: UndefinedKey.self)
      try container.encode(Estimate.notFinite, forKey: .undefined)
    case .value(let v):
      var container = encoder.singleValueContainer()
      try container.encode(v)
    case .undefined(let reason):
      var container = encoder.container(keyedBy: UndefinedKey.self)
      try container.encode(reason, forKey: .undefined)
    }
  }

  enum UndefinedKey: String, CodingKey { case undefined }

  static let notFinite = "the computation did not give a finite number (values too extreme for double precision)"

  public var description: String {
    switch self {
    case .value(let v): return String(v)
    case .undefined(let reason): return "undefined (\(reason))"
    }
  }

  /// Applies `f` to a defined value.
  public func map(_ f: (Double) -> Double) -> Estimate {
    switch self {
    case .value(let v): return .value(f(v))
    case .undefined: return self
    }
  }
}

/// A seeded generator for reproducible resampling: SplitMix64 (Steele, Lea & Flood 2014), the
/// seeding generator of the xoshiro family. Same seed, same draws, on every machine.
public struct SeededGenerator: RandomNumberGenerator, Sendable {
  private var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A uniform integer in 0..<bound without modulo bias (Lemire's method).
  public mutating func below(_ bound: Int) -> Int {
    Int(truncatingIfNeeded: next().multipliedFullWidth(by: UInt64(bound)).high)
  }
}
