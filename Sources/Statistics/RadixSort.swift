/// Sorting many doubles: a least-significant-digit radix sort on the bits of each value made
/// order-preserving (negative values' bits inverted, positive values' sign bit set), four passes
/// of 16 bits. Equal values compare equal either way, so every statistic computed from the
/// sorted order (KS, Wasserstein, percentiles) is the same as with `sorted()`; only -0.0 sorts
/// before 0.0, which no comparison tells apart. Several times faster than `sorted()` on a
/// million values, where drift tests spend most of their time.
enum RadixSort {
  /// `values` in ascending order; NaN is not expected (the callers filter it out).
  static func sorted(_ values: [Double]) -> [Double] {
    guard values.count > 256 else { return values.sorted() }
    var keys = values.map { value -> UInt64 in
      let bits = value.bitPattern
      return bits & (1 << 63) != 0 ? ~bits : bits | (1 << 63)
    }
    var scratch = [UInt64](repeating: 0, count: keys.count)
    var counts = [Int](repeating: 0, count: 1 << 16)
    for pass in 0..<4 {
      let shift = UInt64(pass * 16)
      for i in counts.indices { counts[i] = 0 }
      for key in keys { counts[Int((key >> shift) & 0xFFFF)] += 1 }
      // Every key has the same digit: this pass moves nothing.
      if counts[Int((keys[0] >> shift) & 0xFFFF)] == keys.count { continue }
      var total = 0
      for i in counts.indices {
        let c = counts[i]
        counts[i] = total
        total += c
      }
      for key in keys {
        let digit = Int((key >> shift) & 0xFFFF)
        scratch[counts[digit]] = key
        counts[digit] += 1
      }
      swap(&keys, &scratch)
    }
    return keys.map { key in
      Double(bitPattern: key & (1 << 63) != 0 ? key & ~(1 << 63) : ~key)
    }
  }
}
