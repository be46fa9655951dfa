/// A JSON document held in memory, written in one canonical form.
///
/// Canonical form (what every stored file uses, so files diff cleanly in git): object keys sorted
/// by their UTF-8 bytes, two-space indentation, `"key": value`, no escaped slashes, non-ASCII kept as
/// UTF-8, and a trailing newline on a whole file. Integers stay integers (`.int`) so that counts and
/// version numbers never pass through floating point.
public enum JSONValue: Sendable, Hashable {
  case null
  case bool(Bool)
  case int(Int)
  case double(Double)
  case string(String)
  case array([JSONValue])
  case object([String: JSONValue])
}

extension JSONValue {
  /// The value at `key` when this is an object, else nil.
  public subscript(key: String) -> JSONValue? {
    if case .object(let members) = self { return members[key] }
    return nil
  }

  public var stringValue: String? {
    if case .string(let s) = self { return s }
    return nil
  }

  /// An integer, also from a double that holds a whole number.
  public var intValue: Int? {
    switch self {
    case .int(let i): return i
    case .double(let d) where d.rounded() == d && abs(d) < 9.0e15: return Int(d)
    default: return nil
    }
  }

  public var doubleValue: Double? {
    switch self {
    case .int(let i): return Double(i)
    case .double(let d): return d
    default: return nil
    }
  }

  public var boolValue: Bool? {
    if case .bool(let b) = self { return b }
    return nil
  }

  public var arrayValue: [JSONValue]? {
    if case .array(let a) = self { return a }
    return nil
  }

  public var objectValue: [String: JSONValue]? {
    if case .object(let o) = self { return o }
    return nil
  }

  /// Numeric-aware equality: `1` and `1.0` are the same value.
  public func sameValue(as other: JSONValue) -> Bool {
    switch (self, other) {
    case (.int(let a), .double(let b)), (.double(let b), .int(let a)): return Double(a) == b
    case (.array(let a), .array(let b)):
      return a.count == b.count && zip(a, b).allSatisfy { $0.sameValue(as: $1) }
    case (.object(let a), .object(let b)):
      return a.count == b.count && a.allSatisfy { key, value in b[key].map { value.sameValue(as: $0) } ?? false }
    default: return self == other
    }
  }
}

// MARK: - Writing

extension JSONValue {
  /// The canonical bytes of this value: pretty (two-space indent, trailing newline) for stored
  /// documents, or compact on one line for log events and protocol responses.
  public func canonicalBytes(pretty: Bool) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(256)
    write(into: &out, pretty: pretty, indent: 0)
    if pretty { out.append(0x0A) }
    return out
  }

  /// The canonical text of this value (see `canonicalBytes(pretty:)`).
  public func canonicalString(pretty: Bool) -> String {
    String(decoding: canonicalBytes(pretty: pretty), as: UTF8.self)
  }

  func write(into out: inout [UInt8], pretty: Bool, indent: Int) {
    switch self {
    case .null: out.append(contentsOf: "null".utf8)
    case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
    case .int(let i): out.append(contentsOf: String(i).utf8)
    case .double(let d): JSONValue.writeDouble(d, into: &out)
    case .string(let s): JSONValue.writeString(s, into: &out)
    case .array(let items):
      if items.isEmpty {
        out.append(contentsOf: "[]".utf8)
        return
      }
      out.append(UInt8(ascii: "["))
      for (index, item) in items.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { JSONValue.newline(&out, indent: indent + 2) }
        item.write(into: &out, pretty: pretty, indent: indent + 2)
      }
      if pretty { JSONValue.newline(&out, indent: indent) }
      out.append(UInt8(ascii: "]"))
    case .object(let members):
      if members.isEmpty {
        out.append(contentsOf: "{}".utf8)
        return
      }
      out.append(UInt8(ascii: "{"))
      let keys = members.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
      for (index, key) in keys.enumerated() {
        if index > 0 { out.append(UInt8(ascii: ",")) }
        if pretty { JSONValue.newline(&out, indent: indent + 2) }
        JSONValue.writeString(key, into: &out)
        out.append(UInt8(ascii: ":"))
        if pretty { out.append(UInt8(ascii: " ")) }
        members[key]!.write(into: &out, pretty: pretty, indent: indent + 2)
      }
      if pretty { JSONValue.newline(&out, indent: indent) }
      out.append(UInt8(ascii: "}"))
    }
  }

  private static func newline(_ out: inout [UInt8], indent: Int) {
    out.append(0x0A)
    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: indent))
  }

  /// Shortest text that reads back to the same double. JSON has no NaN or infinity; the
  /// statistics never produce them (undefined values are reported with a reason instead), so a
  /// non-finite value here is written as `null` rather than as invalid JSON.
  static func writeDouble(_ d: Double, into out: inout [UInt8]) {
    guard d.isFinite else {
      out.append(contentsOf: "null".utf8)
      return
    }
    out.append(contentsOf: d.description.utf8)
  }

  static func writeString(_ s: String, into out: inout [UInt8]) {
    out.append(UInt8(ascii: "\""))
    for byte in s.utf8 {
      switch byte {
      case UInt8(ascii: "\""): out.append(contentsOf: "\\\"".utf8)
      case UInt8(ascii: "\\"): out.append(contentsOf: "\\\\".utf8)
      case 0x0A: out.append(contentsOf: "\\n".utf8)
      case 0x0D: out.append(contentsOf: "\\r".utf8)
      case 0x09: out.append(contentsOf: "\\t".utf8)
      case 0x08: out.append(contentsOf: "\\b".utf8)
      case 0x0C: out.append(contentsOf: "\\f".utf8)
      case 0x00..<0x20:
        let hex = Array("0123456789abcdef".utf8)
        out.append(contentsOf: "\\u00".utf8)
        out.append(hex[Int(byte >> 4)])
        out.append(hex[Int(byte & 0xF)])
      default: out.append(byte)
      }
    }
    out.append(UInt8(ascii: "\""))
  }
}
