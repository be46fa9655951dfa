/// Splits a text request into words the way a POSIX shell does for simple words: whitespace
/// separates, '…' quotes literally, "…" quotes with \" \\ \$ \` escapes, a backslash outside quotes
/// escapes the next character. No expansion of any kind ($, *, ~) happens.
enum ShellWords {
  struct Unterminated: Error {
    let quote: Character?
    var message: String {
      quote.map { "unterminated \($0) quote; close it or escape it with a backslash" } ?? "the line ends with a lone backslash"
    }
  }

  static func split(_ line: String) throws(Unterminated) -> [String] {
    try split(utf8: Array(line.utf8)[...])
  }

  /// The same, on the line's UTF-8 bytes: every character that matters here is ASCII, and no
  /// byte of a longer UTF-8 sequence is, so words split at the same places (as a shell splits
  /// bytes), and each word stays valid UTF-8 when the line is.
  static func split(utf8 line: ArraySlice<UInt8>) throws(Unterminated) -> [String] {
    var words: [String] = []
    var current: [UInt8] = []
    var inWord = false
    var i = line.startIndex
    func next() -> UInt8? {
      guard i < line.endIndex else { return nil }
      defer { i += 1 }
      return line[i]
    }
    while let c = next() {
      switch c {
      case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
        if inWord {
          words.append(String(decoding: current, as: UTF8.self))
          current.removeAll(keepingCapacity: true)
          inWord = false
        }
      case UInt8(ascii: "'"):
        inWord = true
        var closed = false
        while let d = next() {
          if d == UInt8(ascii: "'") {
            closed = true
            break
          }
          current.append(d)
        }
        if !closed { throw Unterminated(quote: "'") }
      case UInt8(ascii: "\""):
        inWord = true
        var closed = false
        while let d = next() {
          if d == UInt8(ascii: "\"") {
            closed = true
            break
          }
          if d == UInt8(ascii: "\\") {
            guard let e = next() else { throw Unterminated(quote: "\"") }
            if !"\"\\$`".utf8.contains(e) { current.append(d) }
            current.append(e)
          } else {
            current.append(d)
          }
        }
        if !closed { throw Unterminated(quote: "\"") }
      case UInt8(ascii: "\\"):
        guard let e = next() else { throw Unterminated(quote: nil) }
        inWord = true
        current.append(e)
      default:
        inWord = true
        current.append(c)
      }
    }
    if inWord { words.append(String(decoding: current, as: UTF8.self)) }
    return words
  }
}
