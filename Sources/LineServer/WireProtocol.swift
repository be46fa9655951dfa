import VersionedStore

/// The stable error codes of the server's JSON-RPC responses. The JSON-RPC 2.0 codes for the
/// protocol itself; -32001 … -32009 for mlw's error categories (-32000 − the CLI's exit code), so
/// a script handles the same failure the same way on both channels; -32010 … for the server's own.
public enum WireCode: Int, Sendable {
  case parseError = -32700
  case invalidRequest = -32600
  case methodNotFound = -32601
  case invalidParams = -32602
  case checkFailed = -32001
  case usage = -32002
  case invalidInput = -32003
  case notFound = -32004
  case notPermitted = -32005
  case conflict = -32006
  case corrupt = -32007
  case io = -32008
  case internalError = -32009
  case unauthenticated = -32010
  case authenticationFailed = -32011
  case lineTooLong = -32012
  case tooManyConnections = -32013
  case idleTimeout = -32014
  case shuttingDown = -32015
  case tooManyRequests = -32016
  case replyTooLarge = -32017

  public init(_ category: ErrorCategory) {
    self = WireCode(rawValue: -32000 - Int(category.exitCode)) ?? .internalError
  }
}

/// An error answer: code, a message a person can act on, and details.
public struct WireError: Error, Sendable {
  public var code: WireCode
  public var message: String
  public var data: JSONValue?

  public init(_ code: WireCode, _ message: String, data: JSONValue? = nil) {
    self.code = code
    self.message = message
    self.data = data
  }

  public init(_ error: any CategorizedError) {
    self.init(
      WireCode(error.category), error.message,
      data: .object(["category": .string(error.category.rawValue), "exitCode": .int(Int(error.category.exitCode))]))
  }
}

/// One JSON-RPC 2.0 response line.
public enum WireResponse {
  public static func result(id: JSONValue, _ result: JSONValue) -> JSONValue {
    .object(["jsonrpc": .string("2.0"), "id": id, "result": result])
  }

  public static func error(id: JSONValue, _ error: WireError) -> JSONValue {
    var body: [String: JSONValue] = ["code": .int(error.code.rawValue), "message": .string(error.message)]
    if let data = error.data { body["data"] = data }
    return .object(["jsonrpc": .string("2.0"), "id": id, "error": .object(body)])
  }

  public static func line(_ value: JSONValue) -> [UInt8] { value.canonicalBytes(pretty: false) + [0x0A] }
}

/// A request after decoding either form: the words of a command line, the id to answer with,
/// and the files a JSON-RPC request carried inline (their names stand among the words).
public struct WireRequest: Sendable {
  public var id: JSONValue
  public var words: [String]
  public var attachments: [Attachment]

  public init(id: JSONValue, words: [String], attachments: [Attachment] = []) {
    self.id = id
    self.words = words
    self.attachments = attachments
  }
}

/// A file sent inline as a JSON-RPC param (`{"name": "labels.csv", "content": "…"}`): the
/// responder stores it in the caller's files area before the command runs, and the command
/// reads it by its name like any other file there.
public struct Attachment: Sendable, Equatable {
  public var name: String
  public var content: [UInt8]

  public init(name: String, content: [UInt8]) {
    self.name = name
    self.content = content
  }
}

enum WireDecoder {
  /// The words of a JSON-RPC request: the method's parts, positional arguments (`_`), then
  /// every other param as a flag (`true` → `--flag`, an array → a repeated option, `false` and
  /// null → left out). camelCase names are accepted for kebab-case flags.
  static func words(method: String, params: JSONValue?, attachments: inout [Attachment]) throws(WireError) -> [String] {
    guard !method.isEmpty, !method.hasPrefix("."), !method.hasSuffix(".") else {
      throw WireError(.invalidRequest, "\"method\" must be a command path joined by dots, e.g. \"sme.feasibility.show\"")
    }
    var words = method.split(separator: ".").map(String.init)
    guard let params else { return words }
    guard case .object(let fields) = params else {
      throw WireError(.invalidParams, "\"params\" must be an object of flag names to values")
    }
    func text(_ value: JSONValue, _ name: String) throws(WireError) -> String {
      switch value {
      case .string(let s): return s
      case .int(let n): return String(n)
      case .double(let d): return String(d)
      case .object(let file):
        guard let fileName = file["name"]?.stringValue, let content = file["content"]?.stringValue, file.count == 2 else {
          throw WireError(.invalidParams, "param \"\(name)\": a file sent inline is {\"name\": \"labels.csv\", \"content\": \"…\"}")
        }
        attachments.append(Attachment(name: fileName, content: Array(content.utf8)))
        return fileName
      default: throw WireError(.invalidParams, "param \"\(name)\" must be text, a number, true, a file {\"name\", \"content\"}, or an array of those")
      }
    }
    if let positional = fields["_"] {
      if case .array(let values) = positional {
        for v in values { words.append(try text(v, "_")) }
      } else {
        words.append(try text(positional, "_"))
      }
    }
    for name in fields.keys.sorted() where name != "_" {
      let flag = "--" + kebab(name)
      switch fields[name]! {
      case .bool(true): words.append(flag)
      case .bool(false), .null: continue
      case .array(let values):
        for v in values { words += [flag, try text(v, name)] }
      case let value: words += [flag, try text(value, name)]
      }
    }
    return words
  }

  static func kebab(_ name: String) -> String {
    var result = ""
    for c in name {
      if c.isUppercase {
        result += "-" + c.lowercased()
      } else {
        result.append(c)
      }
    }
    return result
  }
}
