import Foundation

/// Encodes an `Encodable` value straight into a `JSONValue`, giving exactly what encoding it
/// with Foundation's `JSONEncoder` (dates as `Timestamp` text) and parsing the bytes back gives,
/// without the bytes: numbers are written as `JSONEncoder` writes them (a double's shortest
/// text without a trailing `.0`) and read as `JSONParser` reads them, so `2.0` is the integer 2
/// and `UInt64.max` a double, as before.
///
/// Every command's output goes through here, once per request in the server. What it does not
/// handle as `JSONEncoder` would (`Data`, `URL`, `Decimal`, a non-finite number, a value that
/// encodes nothing) makes it give up, and the caller uses `JSONEncoder`, errors included.
struct JSONValueEncoder {
  struct GiveUp: Error {}

  static func encode<T: Encodable>(_ value: T) throws -> JSONValue {
    try json(of: value, at: nil)
  }

  /// The JSON value of one value: the common leaves directly, anything else through its
  /// `encode(to:)` into a node of its own.
  static func json<T: Encodable>(of value: T, at path: PathLink?) throws -> JSONValue {
    if T.self == String.self { return .string(unsafeBitCast(value, to: String.self)) }
    if T.self == Int.self { return .int(unsafeBitCast(value, to: Int.self)) }
    if T.self == Bool.self { return .bool(unsafeBitCast(value, to: Bool.self)) }
    if T.self == Double.self { return try number(unsafeBitCast(value, to: Double.self)) }
    if T.self == JSONValue.self { return unsafeBitCast(value, to: JSONValue.self) }
    if T.self == Date.self { return .string(Timestamp.format(unsafeBitCast(value, to: Date.self))) }
    if T.self == Data.self || T.self == URL.self || T.self == Decimal.self { throw GiveUp() }
    let node = Node()
    try value.encode(to: TreeEncoder(node: node, path: path))
    guard let json = node.finish() else {
      // Nothing encoded: JSONEncoder refuses that at the top and writes `{}` inside.
      if path == nil { throw GiveUp() }
      return .object([:])
    }
    return json
  }

  /// The JSON value of a number's text, as `JSONParser` reads it.
  static func number(_ text: String) throws -> JSONValue {
    if !text.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }), let value = Int(text) { return .int(value) }
    guard let value = Double(text), value.isFinite else { throw GiveUp() }
    return .double(value)
  }

  static func integer<I: BinaryInteger>(_ value: I) throws -> JSONValue { try number(String(value)) }

  static func number<F: BinaryFloatingPoint & LosslessStringConvertible>(_ value: F) throws -> JSONValue {
    guard value.isFinite else { throw GiveUp() }
    var text = value.description
    if text.hasSuffix(".0") { text.removeLast(2) }
    return try number(text)
  }
}

/// The coding path, kept as links so that it costs nothing unless someone asks for it.
final class PathLink {
  let parent: PathLink?
  let key: any CodingKey
  init(_ parent: PathLink?, _ key: any CodingKey) {
    self.parent = parent
    self.key = key
  }

  static func path(_ link: PathLink?) -> [any CodingKey] {
    var keys: [any CodingKey] = []
    var next = link
    while let link = next {
      keys.append(link.key)
      next = link.parent
    }
    return keys.reversed()
  }
}

/// One composite value being encoded. Values are encoded into JSON as they come; nested
/// containers and super-encoders, which their caller may still fill after returning, are
/// nodes of their own, read when this one finishes.
private final class Node {
  enum Shape { case empty, single, object, array }
  var shape = Shape.empty
  var single = JSONValue.null
  var members: [String: JSONValue] = [:]
  var elements: [JSONValue] = []
  var lateMembers: [(String, Node)] = []
  var lateElements: [(Int, Node)] = []

  func finish() -> JSONValue? {
    switch shape {
    case .empty: return nil
    case .single: return single
    case .object:
      for (key, node) in lateMembers { members[key] = node.finish() ?? .object([:]) }
      return .object(members)
    case .array:
      for (index, node) in lateElements { elements[index] = node.finish() ?? .object([:]) }
      return .array(elements)
    }
  }

  func set(_ value: JSONValue) {
    shape = .single
    single = value
  }

  func makeObject() { if shape != .object { shape = .object } }
  func makeArray() { if shape != .array { shape = .array } }

  func lateMember(_ key: String) -> Node {
    let node = Node()
    members[key] = .null
    lateMembers.append((key, node))
    return node
  }

  func lateElement() -> Node {
    let node = Node()
    lateElements.append((elements.count, node))
    elements.append(.null)
    return node
  }
}

private struct TreeEncoder: Encoder {
  let node: Node
  let path: PathLink?
  var codingPath: [any CodingKey] { PathLink.path(path) }
  var userInfo: [CodingUserInfoKey: Any] { [:] }

  func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
    node.makeObject()
    return KeyedEncodingContainer(KeyedContainer<Key>(node: node, path: path))
  }

  func unkeyedContainer() -> any UnkeyedEncodingContainer {
    node.makeArray()
    return UnkeyedContainer(node: node, path: path)
  }

  func singleValueContainer() -> any SingleValueEncodingContainer {
    SingleContainer(node: node, path: path)
  }
}

private struct KeyedContainer<Key: CodingKey>: KeyedEncodingContainerProtocol {
  let node: Node
  let path: PathLink?
  var codingPath: [any CodingKey] { PathLink.path(path) }

  mutating func encodeNil(forKey key: Key) throws { node.members[key.stringValue] = .null }
  mutating func encode(_ value: Bool, forKey key: Key) throws { node.members[key.stringValue] = .bool(value) }
  mutating func encode(_ value: String, forKey key: Key) throws { node.members[key.stringValue] = .string(value) }
  mutating func encode(_ value: Double, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.number(value) }
  mutating func encode(_ value: Float, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.number(value) }
  mutating func encode(_ value: Int, forKey key: Key) throws { node.members[key.stringValue] = .int(value) }
  mutating func encode(_ value: Int8, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: Int16, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: Int32, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: Int64, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: UInt, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: UInt8, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: UInt16, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: UInt32, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode(_ value: UInt64, forKey key: Key) throws { node.members[key.stringValue] = try JSONValueEncoder.integer(value) }
  mutating func encode<T: Encodable>(_ value: T, forKey key: Key) throws {
    node.members[key.stringValue] = try JSONValueEncoder.json(of: value, at: PathLink(path, key))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type, forKey key: Key) -> KeyedEncodingContainer<NestedKey> {
    let child = node.lateMember(key.stringValue)
    child.makeObject()
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, path: PathLink(path, key)))
  }

  mutating func nestedUnkeyedContainer(forKey key: Key) -> any UnkeyedEncodingContainer {
    let child = node.lateMember(key.stringValue)
    child.makeArray()
    return UnkeyedContainer(node: child, path: PathLink(path, key))
  }

  mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.lateMember("super"), path: path) }
  mutating func superEncoder(forKey key: Key) -> any Encoder { TreeEncoder(node: node.lateMember(key.stringValue), path: PathLink(path, key)) }
}

private struct IndexKey: CodingKey {
  var stringValue: String { "Index \(intValue!)" }
  var intValue: Int?
  init(_ index: Int) { intValue = index }
  init?(stringValue: String) { nil }
  init?(intValue: Int) { self.intValue = intValue }
}

private struct UnkeyedContainer: UnkeyedEncodingContainer {
  let node: Node
  let path: PathLink?
  var codingPath: [any CodingKey] { PathLink.path(path) }
  var count: Int { node.elements.count }

  mutating func encodeNil() throws { node.elements.append(.null) }
  mutating func encode(_ value: Bool) throws { node.elements.append(.bool(value)) }
  mutating func encode(_ value: String) throws { node.elements.append(.string(value)) }
  mutating func encode(_ value: Double) throws { node.elements.append(try JSONValueEncoder.number(value)) }
  mutating func encode(_ value: Float) throws { node.elements.append(try JSONValueEncoder.number(value)) }
  mutating func encode(_ value: Int) throws { node.elements.append(.int(value)) }
  mutating func encode(_ value: Int8) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int16) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int32) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int64) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt8) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt16) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt32) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt64) throws { node.elements.append(try JSONValueEncoder.integer(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    node.elements.append(try JSONValueEncoder.json(of: value, at: PathLink(path, IndexKey(count))))
  }

  mutating func nestedContainer<NestedKey: CodingKey>(keyedBy keyType: NestedKey.Type) -> KeyedEncodingContainer<NestedKey> {
    let link = PathLink(path, IndexKey(count))
    let child = node.lateElement()
    child.makeObject()
    return KeyedEncodingContainer(KeyedContainer<NestedKey>(node: child, path: link))
  }

  mutating func nestedUnkeyedContainer() -> any UnkeyedEncodingContainer {
    let link = PathLink(path, IndexKey(count))
    let child = node.lateElement()
    child.makeArray()
    return UnkeyedContainer(node: child, path: link)
  }

  mutating func superEncoder() -> any Encoder { TreeEncoder(node: node.lateElement(), path: path) }
}

private struct SingleContainer: SingleValueEncodingContainer {
  let node: Node
  let path: PathLink?
  var codingPath: [any CodingKey] { PathLink.path(path) }

  mutating func encodeNil() throws { node.set(.null) }
  mutating func encode(_ value: Bool) throws { node.set(.bool(value)) }
  mutating func encode(_ value: String) throws { node.set(.string(value)) }
  mutating func encode(_ value: Double) throws { node.set(try JSONValueEncoder.number(value)) }
  mutating func encode(_ value: Float) throws { node.set(try JSONValueEncoder.number(value)) }
  mutating func encode(_ value: Int) throws { node.set(.int(value)) }
  mutating func encode(_ value: Int8) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int16) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int32) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: Int64) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt8) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt16) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt32) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode(_ value: UInt64) throws { node.set(try JSONValueEncoder.integer(value)) }
  mutating func encode<T: Encodable>(_ value: T) throws {
    node.set(try JSONValueEncoder.json(of: value, at: path))
  }
}
