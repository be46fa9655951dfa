/// A name that becomes one path component: a workspace, record id, dataset or member.
///
/// The rule is `[a-z0-9][a-z0-9._-]{0,63}`, never `.` or `..`: lower case so that names do not
/// collide on case-insensitive file systems, no `/` so that a name cannot leave its folder, and a
/// first character that is not `.` or `-` so that no name is hidden or read as an option.
public struct Name: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
  public let value: String

  public init(_ text: String, what: String = "name") throws(StoreError) {
    guard let reason = Name.problem(with: text) else {
      value = text
      return
    }
    throw StoreError.invalidName(what: what, name: text, reason: reason)
  }

  /// Why `text` is not a valid name, or nil when it is.
  public static func problem(with text: String) -> String? {
    let bytes = Array(text.utf8)
    if bytes.isEmpty { return "it is empty" }
    if bytes.count > 64 { return "it is \(bytes.count) characters long (at most 64)" }
    func allowedFirst(_ b: UInt8) -> Bool { (b >= 97 && b <= 122) || (b >= 48 && b <= 57) }
    func allowed(_ b: UInt8) -> Bool { allowedFirst(b) || b == 46 || b == 95 || b == 45 }
    if !allowedFirst(bytes[0]) { return "it must start with a lower-case letter or a digit" }
    if let bad = bytes.first(where: { !allowed($0) }) {
      let shown = bad >= 0x21 && bad < 0x7F ? "'\(Character(UnicodeScalar(bad)))'" : "a byte 0x\(String(bad, radix: 16))"
      return "it contains \(shown); use only a-z, 0-9, '.', '_' and '-'"
    }
    return nil
  }

  public init(from decoder: any Decoder) throws {
    let text = try decoder.singleValueContainer().decode(String.self)
    self = try Name(text)
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    try container.encode(value)
  }

  public var description: String { value }
  public static func < (lhs: Name, rhs: Name) -> Bool { lhs.value < rhs.value }
}

/// A record's place inside a workspace folder, as validated path components (`runs/r1`).
public struct RecordPath: Sendable, Hashable, Comparable, CustomStringConvertible {
  public let components: [String]

  /// Parses `runs/r1`: every component must be a valid `Name`.
  public init(_ text: String) throws(StoreError) {
    let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    guard !text.isEmpty else { throw StoreError.invalidName(what: "record path", name: text, reason: "it is empty") }
    for part in parts {
      if let reason = Name.problem(with: part) {
        throw StoreError.invalidName(what: "record path", name: text, reason: "component '\(part)': \(reason)")
      }
    }
    components = parts
  }

  /// A path made of names that were validated already, or of fixed internal names such as `.team`.
  public init(trusted components: [String]) {
    self.components = components
  }

  public func appending(_ name: Name) -> RecordPath { RecordPath(trusted: components + [name.value]) }
  public var description: String { components.joined(separator: "/") }
  public static func < (lhs: RecordPath, rhs: RecordPath) -> Bool { lhs.description < rhs.description }
}
