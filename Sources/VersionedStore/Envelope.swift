import Crypto
import Foundation

/// One immutable version of a record, as stored in `vNNNNNN.json`.
///
/// ```json
/// { "kind": "feasibility", "schemaVersion": 1, "version": 3, "parent": "sha256:…",
///   "author": "ana", "role": "lead", "time": "2026-11-22T10:15:00Z",
///   "message": "rescored after vendor quote", "body": { … } }
/// ```
/// `parent` is the SHA-256 of the previous version file's bytes (null for version 1), so the
/// versions of a record form a hash chain that fsck verifies.
public struct Envelope: Sendable, Equatable {
  public var kind: String
  public var schemaVersion: Int
  public var version: Int
  public var parent: String?
  public var author: String
  public var role: String
  public var time: Date
  public var message: String
  public var body: JSONValue

  public init(
    kind: String, schemaVersion: Int, version: Int, parent: String?, author: String, role: String,
    time: Date, message: String, body: JSONValue
  ) {
    self.kind = kind
    self.schemaVersion = schemaVersion
    self.version = version
    self.parent = parent
    self.author = author
    self.role = role
    self.time = time
    self.message = message
    self.body = body
  }

  /// The envelope as a JSON object.
  public var json: JSONValue {
    .object([
      "kind": .string(kind), "schemaVersion": .int(schemaVersion), "version": .int(version),
      "parent": parent.map { .string($0) } ?? .null, "author": .string(author), "role": .string(role),
      "time": .string(Timestamp.format(time)), "message": .string(message), "body": body,
    ])
  }

  /// Reads an envelope from a parsed file; `file` names it in errors.
  public init(json: JSONValue, file: String) throws(StoreError) {
    guard case .object(let fields) = json else { throw .corrupt(file: file, reason: "not a JSON object") }
    func string(_ key: String) throws(StoreError) -> String {
      guard let value = fields[key]?.stringValue else {
        throw .corrupt(file: file, reason: "field '\(key)' is missing or not a string")
      }
      return value
    }
    func integer(_ key: String) throws(StoreError) -> Int {
      guard let value = fields[key]?.intValue, value >= 1 else {
        throw .corrupt(file: file, reason: "field '\(key)' is missing or not a positive integer")
      }
      return value
    }
    kind = try string("kind")
    schemaVersion = try integer("schemaVersion")
    version = try integer("version")
    switch fields["parent"] {
    case .null?: parent = nil
    case .string(let hash)? where hash.hasPrefix("sha256:"): parent = hash
    default: throw .corrupt(file: file, reason: "field 'parent' must be null or \"sha256:<hex>\"")
    }
    author = try string("author")
    role = try string("role")
    let timeText = try string("time")
    guard let parsed = Timestamp.parse(timeText) else {
      throw .corrupt(file: file, reason: "field 'time' is not a UTC time like 2026-11-22T10:15:00Z")
    }
    time = parsed
    message = try string("message")
    guard let body = fields["body"] else { throw .corrupt(file: file, reason: "field 'body' is missing") }
    self.body = body
  }
}

/// SHA-256 content hashes, written `sha256:<hex>`.
public enum ContentHash {
  public static func of<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    var hasher = SHA256()
    hasher.update(data: Array(bytes))
    return "sha256:"
      + hasher.finalize().map { byte in
        let hex = String(byte, radix: 16)
        return byte < 16 ? "0" + hex : hex
      }.joined()
  }
}
