import Foundation

extension JSONValue: Codable {
  public init(from decoder: any Decoder) throws {
    let container = try decoder.singleValueContainer()
    if container.decodeNil() {
      self = .null
    } else if let value = try? container.decode(Bool.self) {
      self = .bool(value)
    } else if let value = try? container.decode(Int.self) {
      self = .int(value)
    } else if let value = try? container.decode(Double.self) {
      self = .double(value)
    } else if let value = try? container.decode(String.self) {
      self = .string(value)
    } else if let value = try? container.decode([JSONValue].self) {
      self = .array(value)
    } else {
      self = .object(try container.decode([String: JSONValue].self))
    }
  }

  public func encode(to encoder: any Encoder) throws {
    var container = encoder.singleValueContainer()
    switch self {
    case .null: try container.encodeNil()
    case .bool(let b): try container.encode(b)
    case .int(let i): try container.encode(i)
    case .double(let d): try container.encode(d)
    case .string(let s): try container.encode(s)
    case .array(let a): try container.encode(a)
    case .object(let o): try container.encode(o)
    }
  }
}

extension JSONValue {
  /// The JSON form of any `Encodable` value (dates as ISO-8601 UTC with `Z`).
  public init<T: Encodable>(encoding value: T) throws {
    // Straight into a JSONValue; JSONEncoder for what that does not handle exactly alike.
    if let json = try? JSONValueEncoder.encode(value) {
      self = json
      return
    }
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(Timestamp.format(date))
    }
    let data = try encoder.encode(value)
    self = try JSONValue.parse(data)
  }

  /// Decodes this value as `T`; a mismatch throws with the coding path that failed.
  public func decode<T: Decodable>(as type: T.Type = T.self) throws -> T {
    let decoder = JSONDecoder()
    decoder.dateDecodingStrategy = .custom { decoder in
      let container = try decoder.singleValueContainer()
      let text = try container.decode(String.self)
      guard let date = Timestamp.parse(text) else {
        throw DecodingError.dataCorruptedError(
          in: container, debugDescription: "expected a UTC time like 2026-11-22T10:15:00Z, found \(text)")
      }
      return date
    }
    return try decoder.decode(T.self, from: Data(canonicalBytes(pretty: false)))
  }
}

/// A short, one-line account of a decoding failure: which field, and what was wrong.
public func describeDecodingError(_ error: any Error) -> String {
  func path(_ codingPath: [any CodingKey]) -> String {
    let text = codingPath.map { key in key.intValue.map { "[\($0)]" } ?? ".\(key.stringValue)" }.joined()
    return text.hasPrefix(".") ? String(text.dropFirst()) : (text.isEmpty ? "(top level)" : text)
  }
  guard let error = error as? DecodingError else { return "\(error)" }
  switch error {
  case .keyNotFound(let key, let context):
    let parent = context.codingPath.isEmpty ? "" : " in \(path(context.codingPath))"
    return "missing field '\(key.stringValue)'\(parent)"
  case .typeMismatch(let type, let context):
    return "field '\(path(context.codingPath))' should be \(describe(type))"
  case .valueNotFound(let type, let context):
    return "field '\(path(context.codingPath))' should be \(describe(type)), found null"
  case .dataCorrupted(let context):
    return "field '\(path(context.codingPath))': \(context.debugDescription)"
  @unknown default:
    return "\(error)"
  }
}

private func describe(_ type: Any.Type) -> String {
  switch type {
  case is String.Type: return "a string"
  case is Int.Type: return "an integer"
  case is Double.Type: return "a number"
  case is Bool.Type: return "true or false"
  default:
    let name = "\(type)"
    if name.hasPrefix("Array") { return "a list" }
    if name.hasPrefix("Dictionary") { return "an object" }
    return name
  }
}
