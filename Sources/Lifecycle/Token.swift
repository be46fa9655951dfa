import VersionedStore

/// Access tokens: 256 random bits from the system's secure generator, shown once, stored only as
/// their SHA-256.
public enum Token {
  /// A new token, `mlw_` and 64 hex digits.
  public static func generate() -> String {
    var generator = SystemRandomNumberGenerator()
    let hex = (0..<4).map { _ in
      let word = generator.next() as UInt64
      let text = String(word, radix: 16)
      return String(repeating: "0", count: 16 - text.count) + text
    }.joined()
    return "mlw_" + hex
  }

  /// The stored form of a token.
  public static func hash(_ token: String) -> String { ContentHash.of(Array(token.utf8)) }

  /// Compares two hashes in time that does not depend on where they differ.
  public static func constantTimeEqual(_ a: String, _ b: String) -> Bool {
    let x = Array(a.utf8)
    let y = Array(b.utf8)
    guard x.count == y.count else { return false }
    var difference: UInt8 = 0
    for i in 0..<x.count { difference |= x[i] ^ y[i] }
    return difference == 0
  }
}
