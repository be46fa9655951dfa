import Foundation
import Statistics
import VersionedStore

/// The filter language of `run list --filter`:
///
///     filter     = or
///     or         = and { "or" and }
///     and        = not { "and" not }
///     not        = "not" not | "(" or ")" | condition
///     condition  = field ( op value | ["not"] "in" "(" value { "," value } ")" | "is" ["not"] "missing" )
///     op         = "=" | "!=" | "<" | "<=" | ">" | ">="
///     value      = number | 'text' | "text" | true | false
///     field      = id | status | author | dataset | parent | code | started | ended
///                | params.KEY | tags.KEY | metrics.NAME [ ".min" | ".max" | ".best" | ".last" ]
///
/// Keywords are case-insensitive. `metrics.dev.f1` is the latest value of `dev.f1`; a last part
/// `min`, `max`, `best` or `last` names that figure instead (best by the metric's direction).
/// `dataset` is the name, or `name@version` when the text has an `@`. A field the run does not
/// have satisfies no comparison (`is missing` finds it); numbers compare as numbers, text as text,
/// and a number never equals a text. A syntax error names the column.
public indirect enum RunFilter: Sendable, Equatable {
  case and(RunFilter, RunFilter)
  case or(RunFilter, RunFilter)
  case not(RunFilter)
  case compare(String, Operator, FilterValue)
  case within(String, [FilterValue])
  case missing(String)

  public enum Operator: String, Sendable, Equatable {
    case equal = "="
    case notEqual = "!="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="
  }

  /// Parses `text`, or throws an error that points at the column.
  public static func parse(_ text: String) throws -> RunFilter {
    var parser = try FilterParser(text)
    let filter = try parser.parseOr()
    guard parser.atEnd else { throw parser.error("expected 'and', 'or' or the end of the filter") }
    return filter
  }

  /// Whether a run with these fields matches.
  public func matches(_ fields: (String) -> FilterValue?) -> Bool {
    switch self {
    case .and(let a, let b): return a.matches(fields) && b.matches(fields)
    case .or(let a, let b): return a.matches(fields) || b.matches(fields)
    case .not(let a): return !a.matches(fields)
    case .missing(let field): return fields(field) == nil
    case .within(let field, let values):
      guard let value = fields(field) else { return false }
      return values.contains { RunFilter.named(field, value, $0).compare(.equal, $0) }
    case .compare(let field, let op, let literal):
      guard let value = fields(field) else { return false }
      return RunFilter.named(field, value, literal).compare(op, literal)
    }
  }

  /// A run's `dataset` (`name@version`) compared with a text without `@` is its name.
  static func named(_ field: String, _ value: FilterValue, _ literal: FilterValue) -> FilterValue {
    guard field == "dataset", case .text(let pinned) = value, case .text(let given) = literal, !given.contains("@") else { return value }
    return .text(String(pinned.prefix { $0 != "@" }))
  }

  /// The fields the filter names.
  public var fields: [String] {
    switch self {
    case .and(let a, let b), .or(let a, let b): a.fields + b.fields
    case .not(let a): a.fields
    case .compare(let f, _, _), .within(let f, _), .missing(let f): [f]
    }
  }

  /// Checks that `field` is one the filter and `--sort` know.
  public static func checkField(_ field: String, what: String) throws {
    let plain = ["id", "status", "author", "dataset", "parent", "code", "started", "ended"]
    if plain.contains(field) { return }
    for prefix in ["params.", "tags.", "metrics."] where field.hasPrefix(prefix) && field.count > prefix.count { return }
    throw LifecycleError.invalidValue(
      what: what, reason: "unknown field '\(field)'; fields are \(plain.joined(separator: ", ")), params.KEY, tags.KEY, metrics.NAME[.min|.max|.best]"
    )
  }
}

/// A value in a filter, or a run's field.
public enum FilterValue: Sendable, Equatable, CustomStringConvertible {
  case number(Double)
  case text(String)
  case bool(Bool)

  public init?(_ json: JSONValue) {
    switch json {
    case .int(let i): self = .number(Double(i))
    case .double(let d): self = .number(d)
    case .string(let s): self = .text(s)
    case .bool(let b): self = .bool(b)
    default: return nil
    }
  }

  func compare(_ op: RunFilter.Operator, _ other: FilterValue) -> Bool {
    func ordered<T: Comparable>(_ a: T, _ b: T) -> Bool {
      switch op {
      case .equal: a == b
      case .notEqual: a != b
      case .less: a < b
      case .lessOrEqual: a <= b
      case .greater: a > b
      case .greaterOrEqual: a >= b
      }
    }
    switch (self, other) {
    case (.number(let a), .number(let b)): return ordered(a, b)
    case (.text(let a), .text(let b)): return ordered(a, b)
    case (.bool(let a), .bool(let b)):
      return op == .equal ? a == b : op == .notEqual ? a != b : false
    default:
      return op == .notEqual
    }
  }

  /// Orders values for `--sort`: numbers, then texts, then booleans.
  static func precedes(_ a: FilterValue, _ b: FilterValue) -> Bool {
    switch (a, b) {
    case (.number(let x), .number(let y)): return x.isNaN ? false : y.isNaN ? true : x < y
    case (.text(let x), .text(let y)): return x < y
    case (.bool(let x), .bool(let y)): return !x && y
    case (.number, _): return true
    case (.text, .bool): return true
    default: return false
    }
  }

  public var description: String {
    switch self {
    case .number(let d): d.isFinite ? Figure.format(d) : MetricValue.text(of: d)
    case .text(let s): "'\(s)'"
    case .bool(let b): String(b)
    }
  }
}

/// A recursive-descent parser over the filter's tokens.
struct FilterParser {
  enum Token: Equatable {
    case word(String)
    case number(Double)
    case text(String)
    case symbol(String)
  }

  let source: String
  var tokens: [(token: Token, column: Int)] = []
  var position = 0
  var depth = 0
  var conditions = 0

  init(_ source: String) throws {
    self.source = source
    guard source.utf8.count <= 10_000 else {
      throw LifecycleError.invalidValue(what: "--filter", reason: "the filter is \(source.utf8.count) bytes long (at most 10,000)")
    }
    let chars = Array(source)
    var i = 0
    func fail(_ column: Int, _ problem: String) -> LifecycleError {
      .invalidValue(what: "--filter", reason: "column \(column): \(problem)")
    }
    while i < chars.count {
      let c = chars[i]
      let column = i + 1
      if c.isWhitespace {
        i += 1
      } else if c == "(" || c == ")" || c == "," {
        tokens.append((.symbol(String(c)), column))
        i += 1
      } else if "=!<>".contains(c) {
        var op = String(c)
        if i + 1 < chars.count, chars[i + 1] == "=" || (c == "<" && chars[i + 1] == ">") {
          op.append(chars[i + 1])
        }
        i += op.count
        switch op {
        case "==": op = "="
        case "<>": op = "!="
        case "!": throw fail(column, "'!' stands alone; write != or not")
        default: break
        }
        tokens.append((.symbol(op), column))
      } else if c == "'" || c == "\"" {
        var j = i + 1
        var text = ""
        var closed = false
        while j < chars.count {
          if chars[j] == c {
            if j + 1 < chars.count, chars[j + 1] == c {
              text.append(c)
              j += 2
              continue
            }
            closed = true
            break
          }
          text.append(chars[j])
          j += 1
        }
        guard closed else { throw fail(column, "the text that starts here is not closed with \(c)") }
        tokens.append((.text(text), column))
        i = j + 1
      } else if c.isNumber || ((c == "-" || c == "+" || c == ".") && i + 1 < chars.count && (chars[i + 1].isNumber || chars[i + 1] == ".")) {
        var j = i + 1
        while j < chars.count,
          chars[j].isNumber || chars[j] == "." || chars[j] == "e" || chars[j] == "E"
            || ((chars[j] == "-" || chars[j] == "+") && (chars[j - 1] == "e" || chars[j - 1] == "E"))
        {
          j += 1
        }
        let text = String(chars[i..<j])
        guard Figure.isDecimal(text), let value = Double(text), value.isFinite else { throw fail(column, "'\(text)' is not a number") }
        tokens.append((.number(value), column))
        i = j
      } else if c.isLetter || c == "_" {
        var j = i
        while j < chars.count {
          if chars[j].isLetter || chars[j].isNumber || "_-.".contains(chars[j]) {
            j += 1
          } else if chars[j] == "[" {
            guard let close = chars[j...].firstIndex(of: "]") else { throw fail(j + 1, "'[' is not closed with ']'") }
            j = close + 1
          } else {
            break
          }
        }
        tokens.append((.word(String(chars[i..<j])), column))
        i = j
      } else {
        throw fail(column, "unexpected '\(c)'")
      }
    }
  }

  var atEnd: Bool { position >= tokens.count }
  var column: Int { atEnd ? source.count + 1 : tokens[position].column }

  func error(_ problem: String) -> LifecycleError {
    let near = atEnd ? "at the end" : "column \(column)"
    return .invalidValue(what: "--filter", reason: "\(near): \(problem)")
  }

  func isKeyword(_ word: String) -> Bool {
    guard !atEnd, case .word(let w) = tokens[position].token else { return false }
    return w.lowercased() == word
  }

  mutating func take(_ keyword: String) -> Bool {
    guard isKeyword(keyword) else { return false }
    position += 1
    return true
  }

  mutating func takeSymbol(_ symbol: String) -> Bool {
    guard !atEnd, tokens[position].token == .symbol(symbol) else { return false }
    position += 1
    return true
  }

  mutating func parseOr() throws -> RunFilter {
    var left = try parseAnd()
    while take("or") { left = .or(left, try parseAnd()) }
    return left
  }

  mutating func parseAnd() throws -> RunFilter {
    var left = try parseNot()
    while take("and") { left = .and(left, try parseNot()) }
    return left
  }

  mutating func parseNot() throws -> RunFilter {
    // Nesting is bounded, so that no filter can exhaust a server worker's stack.
    depth += 1
    defer { depth -= 1 }
    guard depth <= 100 else { throw error("more than 100 nested 'not' or parentheses") }
    if take("not") { return .not(try parseNot()) }
    if takeSymbol("(") {
      let inner = try parseOr()
      guard takeSymbol(")") else { throw error("expected ')' to close the '('") }
      return inner
    }
    return try parseCondition()
  }

  mutating func parseCondition() throws -> RunFilter {
    conditions += 1
    guard conditions <= 200 else { throw error("more than 200 conditions in one filter") }
    guard !atEnd, case .word(let field) = tokens[position].token,
      !["and", "or", "not", "in", "is"].contains(field.lowercased())
    else { throw error("expected a field such as metrics.dev.f1, params.lr, tags.stage or dataset") }
    do { try RunFilter.checkField(field, what: "--filter") } catch {
      throw self.error(
        "unknown field '\(field)' (fields: id, status, author, dataset, parent, code, started, ended, params.KEY, tags.KEY, metrics.NAME)")
    }
    position += 1
    if take("is") {
      let negated = take("not")
      guard take("missing") else { throw error("expected 'missing' after 'is'") }
      return negated ? .not(.missing(field)) : .missing(field)
    }
    let negated = take("not")
    if take("in") {
      guard takeSymbol("(") else { throw error("expected '(' after 'in'") }
      var values = [try parseValue()]
      while takeSymbol(",") { values.append(try parseValue()) }
      guard takeSymbol(")") else { throw error("expected ',' or ')' in the list") }
      return negated ? .not(.within(field, values)) : .within(field, values)
    }
    if negated { throw error("expected 'in' after 'not'") }
    guard !atEnd, case .symbol(let symbol) = tokens[position].token, let op = RunFilter.Operator(rawValue: symbol) else {
      throw error("expected a comparison (=, !=, <, <=, >, >=), 'in' or 'is missing' after \(field)")
    }
    position += 1
    return .compare(field, op, try parseValue())
  }

  mutating func parseValue() throws -> FilterValue {
    guard !atEnd else { throw error("expected a value (a number, 'text', true or false)") }
    let token = tokens[position].token
    switch token {
    case .number(let n):
      position += 1
      return .number(n)
    case .text(let t):
      position += 1
      return .text(t)
    case .word(let w) where w.lowercased() == "true" || w.lowercased() == "false":
      position += 1
      return .bool(w.lowercased() == "true")
    case .word(let w):
      throw error("expected a value, found '\(w)' (quote text: '\(w)')")
    case .symbol(let s):
      throw error("expected a value, found '\(s)'")
    }
  }
}
