import Testing

@testable import Statistics

@Suite struct RadixSortTests {
  @Test func sortsAsTheStandardLibraryDoes() {
    var generator = SystemRandomNumberGenerator()
    let specials: [Double] = [0, -0.0, .infinity, -.infinity, .leastNonzeroMagnitude, -.leastNonzeroMagnitude, .greatestFiniteMagnitude, -1, 1]
    for size in [0, 1, 257, 1000, 50_000] {
      var values = (0..<size).map { _ in Double.random(in: -1e6...1e6, using: &generator) }
      values += (0..<size / 10).map { _ in Double(Int.random(in: -3...3, using: &generator)) }  // ties
      values += size > 0 ? specials : []
      let radix = RadixSort.sorted(values)
      let standard = values.sorted()
      #expect(radix.count == standard.count)
      // Equal as numbers at every position (-0.0 and 0.0 may swap places; they compare equal).
      #expect(zip(radix, standard).allSatisfy { $0 == $1 }, "size \(size)")
    }
  }
}
