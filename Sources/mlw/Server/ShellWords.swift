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
    var words: [String] = []
    var current = ""
    var inWord = false
    var iterator = line.makeIterator()
    while let c = iterator.next() {
      switch c {
      case " ", "\t", "\r":
        if inWord {
          words.append(current)
          current = ""
          inWord = false
        }
      case "'":
        inWord = true
        var closed = false
        while let d = iterator.next() {
          if d == "'" {
            closed = true
            break
          }
          current.append(d)
        }
        if !closed { throw Unterminated(quote: "'") }
      case "\"":
        inWord = true
        var closed = false
        while let d = iterator.next() {
          if d == "\"" {
            closed = true
            break
          }
          if d == "\\" {
            guard let e = iterator.next() else { throw Unterminated(quote: "\"") }
            if e != "\"", e != "\\", e != "$", e != "`" { current.append(d) }
            current.append(e)
          } else {
            current.append(d)
          }
        }
        if !closed { throw Unterminated(quote: "\"") }
      case "\\":
        guard let e = iterator.next() else { throw Unterminated(quote: nil) }
        inWord = true
        current.append(e)
      default:
        inWord = true
        current.append(c)
      }
    }
    if inWord { words.append(current) }
    return words
  }
}
