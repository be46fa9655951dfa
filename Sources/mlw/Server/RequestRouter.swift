import ArgumentParser
import Foundation
import Lifecycle
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VersionedStore

/// One connection's state: whether it was admitted, who it is authenticated as, and a count of
/// its requests (the id of a text-form request). Shared by the connection's task and the
/// handler that answers cached reads on the event loop, which take turns: the handler answers
/// only while the task has no request in hand.
final class Session: Sendable {
  private struct State {
    var id = 0
    var member: String?
    var requests = 0
  }

  private let state = NIOLockedValueBox(State())

  /// The connection's number in the log; 0 until the server admits it.
  var id: Int {
    get { state.withLockedValue { $0.id } }
    set { state.withLockedValue { $0.id = newValue } }
  }

  /// The authenticated member.
  var member: String? {
    get { state.withLockedValue { $0.member } }
    set { state.withLockedValue { $0.member = newValue } }
  }

  /// The state in one look: number, member, and requests so far.
  var snapshot: (id: Int, member: String?, requests: Int) {
    state.withLockedValue { ($0.id, $0.member, $0.requests) }
  }

  /// Counts a request; its number.
  func countRequest() -> Int {
    state.withLockedValue { state in
      state.requests += 1
      return state.requests
    }
  }
}

/// A request line after decoding: one request, a batch, or an error answer already.
enum DecodedLine: Sendable {
  case request(WireRequest)
  case batch([JSONValue])
  case refused(WireAnswer)
}

/// One response: its id and either a result (canonical JSON bytes) or an error.
struct WireAnswer: Sendable {
  enum Body: Sendable {
    case result([UInt8])
    case error(WireError)
  }

  let id: JSONValue
  let body: Body

  static func error(_ id: JSONValue, _ error: WireError) -> WireAnswer { WireAnswer(id: id, body: .error(error)) }

  /// The response object's canonical bytes (keys in order: error/result after id and jsonrpc).
  var bytes: [UInt8] {
    switch body {
    case .result(let result):
      var out = Array(#"{"id":"#.utf8)
      out += id.canonicalBytes(pretty: false)
      out += Array(#","jsonrpc":"2.0","result":"#.utf8)
      out += result
      out.append(UInt8(ascii: "}"))
      return out
    case .error(let error):
      return WireResponse.error(id: id, error).canonicalBytes(pretty: false)
    }
  }

  /// The outcome for the request log.
  var outcome: String {
    switch body {
    case .result: return "ok"
    case .error(let error): return "error \(error.code.rawValue)"
    }
  }
}

/// A JSON-RPC request object that was refused before it ran, with the answer to it.
struct WireAnswerFailure: Error {
  let answer: WireAnswer
  init(_ answer: WireAnswer) { self.answer = answer }
}

/// Answers request lines: decodes the text or JSON-RPC form, checks authentication and roles,
/// runs the command tree's `execute` on a thread pool (commands do blocking file I/O, which must
/// not stall the event loops or the cooperative pool), and encodes one JSON-RPC response line.
/// The results of read commands are kept in a `ResponseCache`.
struct RequestRouter: Sendable {
  let root: Root
  let pool: WorkerPool
  let logger: Logger
  let cache: ResponseCache

  /// The response line(s) for one request line.
  func respond(to line: [UInt8], session: Session) async -> [UInt8] {
    switch Self.decode(line, number: session.countRequest()) {
    case .refused(let answer):
      return answer.bytes + [0x0A]
    case .request(let request):
      return await run(request, session: session).bytes + [0x0A]
    case .batch(let batch):
      var out: [UInt8] = [UInt8(ascii: "[")]
      for (i, element) in batch.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        switch Self.request(from: element) {
        case .success(let request): out += await run(request, session: session).bytes
        case .failure(let refusal): out += refusal.answer.bytes
        }
      }
      return out + [UInt8(ascii: "]"), 0x0A]
    }
  }

  /// What `immediateResponse` made of a line.
  enum Immediate {
    /// The response line: `ping`, or a read whose cached result still holds.
    case answered([UInt8])
    /// One well-formed request that needs the long way (its number is counted then).
    case decoded(WireRequest)
    /// Anything else (a batch, an error, a connection not admitted yet): the long way, as a line.
    case notDecoded
  }

  /// Answers at once, on the event loop, a request that needs no command run: `ping`, or a
  /// read whose cached result still holds. A request it cannot answer goes on decoded, so that
  /// the long way does not decode it again.
  func immediateResponse(to line: [UInt8], session: Session) -> Immediate {
    let start = ContinuousClock.now
    let (id, member, requests) = session.snapshot
    guard id > 0, case .request(let request) = Self.decode(line, number: requests + 1) else { return .notDecoded }
    let path: String
    let answer: WireAnswer
    var cached: String? = nil
    if request.words == ["ping"] {
      (path, answer) = ("ping", WireAnswer(id: request.id, body: .result(Self.pong)))
    } else if let member, let hit = cache.hit(for: ResponseCache.Key(member: member, words: request.words)) {
      (path, answer, cached) = (hit.path, WireAnswer(id: request.id, body: .result(hit.result)), "hit")
    } else {
      return .decoded(request)
    }
    _ = session.countRequest()
    log(path: path, answer: answer, cache: cached, connection: id, member: member, since: start)
    return .answered(answer.bytes + [0x0A])
  }

  /// The response line for a request `immediateResponse` decoded (it is counted now, and took
  /// the number it was decoded with: nothing else of its connection ran in between).
  func respond(to request: WireRequest, session: Session) async -> [UInt8] {
    _ = session.countRequest()
    return await run(request, session: session).bytes + [0x0A]
  }

  private static let pong = JSONValue.object(["pong": .bool(true)]).canonicalBytes(pretty: false)

  /// Decodes a line: `number` is the id of a text-form request (its place on the connection).
  static func decode(_ line: [UInt8], number: Int) -> DecodedLine {
    guard String(validating: line, as: UTF8.self) != nil else {
      return .refused(.error(.null, WireError(.invalidRequest, "the request is not valid UTF-8")))
    }
    if line.contains(0) {
      return .refused(.error(.null, WireError(.invalidRequest, "the request contains a NUL byte")))
    }
    // On the bytes: every character looked at here is ASCII.
    let trimmed = line[(line.firstIndex { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D } ?? line.endIndex)...]
    switch trimmed.first {
    case UInt8(ascii: "{")?, UInt8(ascii: "[")?:
      let json: JSONValue
      do { json = try JSONValue.parse(trimmed) } catch {
        return .refused(.error(.null, WireError(.parseError, "not JSON: \(error.reason)")))
      }
      if case .array(let batch) = json {
        guard !batch.isEmpty else { return .refused(.error(.null, WireError(.invalidRequest, "an empty batch"))) }
        return .batch(batch)
      }
      switch request(from: json) {
      case .success(let request): return .request(request)
      case .failure(let refusal): return .refused(refusal.answer)
      }
    default:
      let id = JSONValue.int(number)
      do {
        return .request(WireRequest(id: id, words: try ShellWords.split(utf8: trimmed)))
      } catch {
        return .refused(.error(id, WireError(.invalidRequest, error.message)))
      }
    }
  }

  /// The request a JSON-RPC request object makes, or the error answer to it.
  static func request(from json: JSONValue) -> Result<WireRequest, WireAnswerFailure> {
    guard case .object(let fields) = json else {
      return .failure(WireAnswerFailure(.error(.null, WireError(.invalidRequest, "a request must be a JSON-RPC 2.0 object"))))
    }
    let id: JSONValue
    switch fields["id"] {
    case nil, .null?: id = .null
    case .string?, .int?: id = fields["id"]!
    default: return .failure(WireAnswerFailure(.error(.null, WireError(.invalidRequest, "\"id\" must be text, an integer or null"))))
    }
    guard fields["jsonrpc"] == .string("2.0") else {
      return .failure(WireAnswerFailure(.error(id, WireError(.invalidRequest, "\"jsonrpc\" must be \"2.0\""))))
    }
    guard let method = fields["method"]?.stringValue else {
      return .failure(
        WireAnswerFailure(.error(id, WireError(.invalidRequest, "\"method\" must be text, e.g. \"status\" or \"lead.member.list\""))))
    }
    if let extra = fields.keys.first(where: { !["jsonrpc", "id", "method", "params"].contains($0) }) {
      return .failure(WireAnswerFailure(.error(id, WireError(.invalidRequest, "unknown member \"\(extra)\" in the request"))))
    }
    do {
      let words = method == "auth" ? ["auth"] + (fields["params"]?["token"]?.stringValue.map { [$0] } ?? [])
        : try WireDecoder.words(method: method, params: fields["params"])
      return .success(WireRequest(id: id, words: words))
    } catch {
      return .failure(WireAnswerFailure(.error(id, error)))
    }
  }

  /// Runs one decoded request.
  private func run(_ request: WireRequest, session: Session) async -> WireAnswer {
    let start = ContinuousClock.now
    let words = request.words
    var path = "-"
    var cache: String? = nil
    let answer: WireAnswer
    do {
      let outcome = try await dispatch(words, member: session.member)
      path = outcome.path
      cache = outcome.cache
      if let member = outcome.authenticated { session.member = member }
      answer = WireAnswer(id: request.id, body: .result(outcome.result))
    } catch {
      path = commandPath(words)
      answer = .error(request.id, (error as? WireError) ?? WireError(.internalError, "internal error: \(error)"))
    }
    let (id, member, _) = session.snapshot
    log(path: path, answer: answer, cache: cache, connection: id, member: member, since: start)
    return answer
  }

  /// The request log's line: connection, member, command path, duration, outcome, and whether
  /// the cache answered ("hit") or kept the result ("stored"). Never arguments or tokens.
  private func log(path: String, answer: WireAnswer, cache: String?, connection: Int, member: String?, since start: ContinuousClock.Instant) {
    var metadata: Logger.Metadata = [
      "connection": "\(connection)", "member": "\(member ?? "-")", "command": "\(path)",
      "ms": "\(Self.milliseconds(ContinuousClock.now - start))", "outcome": "\(answer.outcome)",
    ]
    if let cache { metadata["cache"] = "\(cache)" }
    logger.info("request", metadata: metadata)
  }

  /// A duration in milliseconds with two decimals, for the log (without Foundation's
  /// `String(format:)`, which costs more than some requests).
  static func milliseconds(_ duration: Duration) -> String {
    let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// The command path a request names, for the log (never its arguments: they may hold a token).
  private func commandPath(_ words: [String]) -> String {
    let command = CommandTree.root.command(named: words)
    if command.path.isEmpty, let first = words.first, ["auth", "ping", "help"].contains(first) { return first }
    return command.path.isEmpty ? "?" : command.name
  }

  /// The command path run, its result's canonical bytes, the member a successful `auth`
  /// authenticated, and what the response cache did ("hit", "stored", or nil).
  private func dispatch(_ words: [String], member current: String?) async throws
    -> (path: String, result: [UInt8], authenticated: String?, cache: String?)
  {
    guard let first = words.first else { throw WireError(.invalidRequest, "an empty request; send 'help' for the commands") }
    switch first {
    case "ping":
      return ("ping", Self.pong, nil, nil)
    case "help":
      let help = JSONValue.object(["help": .string(help(Array(words.dropFirst()))), "commands": .array(Self.catalog())])
      return ("help", help.canonicalBytes(pretty: false), nil, nil)
    case "auth":
      guard words.count == 2 else { throw WireError(.invalidParams, "send 'auth TOKEN' (JSON-RPC: method \"auth\", params {\"token\": …})") }
      let token = words[1]
      let root = self.root
      let member: String? = try await onPool { () throws -> String? in try root.person(forToken: token) }
      guard let member else {
        throw WireError(.authenticationFailed, "the token is not valid; a lead issues a new one (mlw lead member rotate-token NAME)")
      }
      return ("auth", JSONValue.object(["member": .string(member)]).canonicalBytes(pretty: false), member, nil)
    default:
      break
    }
    guard let member = current else {
      throw WireError(.unauthenticated, "authenticate first: send 'auth TOKEN' (only auth, ping and help are answered before)")
    }
    let (command, access, arguments) = try Self.resolve(words, member: member)
    let path = command.name
    // Batch elements and lines that arrived while another was running did not pass the
    // event loop's look at the cache.
    let key = ResponseCache.Key(member: member, words: words)
    if let hit = cache.hit(for: key) { return (path, hit.result, nil, "hit") }
    let workspace = Self.workspaceArgument(arguments)
    let (root, cache) = (self.root, self.cache)
    let reads = cache.tracks(path) ? ReadSet() : nil
    let (result, stored) = try await onPool { () throws -> ([UInt8], Bool) in
      let json = try ReadSet.$current.withValue(reads) {
        try Self.runCommand(command, arguments, access: access, workspace: workspace, member: member, root: root)
      }
      let result = json.canonicalBytes(pretty: false)
      // Only a run that recorded what it read may be stored.
      guard let reads else { return (result, false) }
      cache.ran(path, wrote: reads.wrote)
      return (result, cache.store(ResponseCache.Hit(path: path, result: result), reads: reads, for: key))
    }
    return (path, result, nil, stored ? "stored" : nil)
  }

  /// Finds the command the words name, before parsing anything: the role check comes first, so
  /// a member learns nothing about a command they may not run. Refuses groups, admin commands,
  /// --as and --root.
  private static func resolve(_ words: [String], member: String) throws -> (command: CommandTree, access: Access, arguments: [String]) {
    let command = CommandTree.root.command(named: words)
    let path = command.name
    guard !command.path.isEmpty else { throw WireError(.methodNotFound, "unknown command '\(words[0])'; send 'help' for the commands") }
    guard let access = command.access else {
      if command.subcommands.isEmpty {
        throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
      }
      let children = command.subcommands.map { $0.path.last! }.joined(separator: ", ")
      throw WireError(.methodNotFound, "'\(path)' is a group of commands: \(children)")
    }
    if case .admin = access {
      throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
    }
    let arguments = Array(words.dropFirst(command.path.count))
    for word in arguments {
      if word == "--as" || word.hasPrefix("--as=") {
        throw WireError(.invalidParams, "--as is not accepted over the server: the connection acts as \(member)")
      }
      if word == "--root" || word.hasPrefix("--root=") {
        throw WireError(.invalidParams, "--root is not accepted over the server: it serves one root")
      }
    }
    return (command, access, arguments)
  }

  /// Every command of the tree with its JSON-RPC method and who may run it over the server:
  /// `open` (any authenticated member), `member` (members of the workspace), `roles` (with the
  /// roles), `local` (not over the server).
  static func catalog() -> [JSONValue] {
    var result: [JSONValue] = []
    func walk(_ command: CommandTree) {
      if command.subcommands.isEmpty, !command.path.isEmpty {
        var entry: [String: JSONValue] = ["path": .string(command.name), "method": .string(command.path.joined(separator: "."))]
        switch command.access {
        case .open?: entry["access"] = .string("open")
        case .member?: entry["access"] = .string("member")
        case .roles(let roles)?:
          entry["access"] = .string("roles")
          entry["roles"] = .array(roles.map { .string($0.rawValue) })
        case .admin?, nil: entry["access"] = .string("local")
        }
        result.append(.object(entry))
      }
      for child in command.subcommands { walk(child) }
    }
    walk(CommandTree.root)
    return result
  }

  /// Parses and runs a command as `member` (on a pool thread: commands block on file I/O).
  private static func runCommand(
    _ leaf: CommandTree, _ arguments: [String], access: Access, workspace: String?, member: String, root: Root
  ) throws -> JSONValue {
    let path = leaf.name
    // Roles first, before the arguments are even parsed; the context authorized here serves the
    // command when it names the same workspace (it does, unless -w was given twice).
    var authorized: CommandContext?
    if case .roles = access, let workspace {
      authorized = try CommandContext.server(root: root, identity: member, workspace: workspace).authorized(for: access)
    }
    // Parse the leaf command alone: its words are known, and the ancestors have no options.
    guard let served = leaf.runnable else { throw WireError(.methodNotFound, "'\(path)' cannot be run") }
    let command: any MlwCommand
    do { command = try PreparedCommands.shared.parse(served, arguments) } catch {
      throw parseFailure(error, path: path)
    }
    if let files = command as? any NamesFiles, !files.fileArguments.isEmpty {
      // What a client's file holds, and where its name leads, are not the store's to track.
      ReadSet.dependsOn("files named in the request")
      for file in files.fileArguments { try FileConfinement.check(file, root: root.path) }
    }
    let context =
      if let authorized, authorized.workspaceName == command.global.workspace { authorized } else {
        try CommandContext.server(root: root, identity: member, workspace: command.global.workspace).authorized(for: access)
      }
    let (json, failure) = try command.serve(authorized: context)
    if let failure {
      throw WireError(
        WireCode(failure.category), failure.message,
        data: .object(["category": .string(failure.category.rawValue), "exitCode": .int(Int(failure.category.exitCode)), "result": json]))
    }
    return json
  }

  /// The value of `--workspace`/`-w` among the arguments, if any.
  static func workspaceArgument(_ arguments: [String]) -> String? {
    for (i, word) in arguments.enumerated() {
      if (word == "--workspace" || word == "-w"), i + 1 < arguments.count { return arguments[i + 1] }
      if word.hasPrefix("--workspace=") { return String(word.dropFirst("--workspace=".count)) }
    }
    return nil
  }

  static func parseFailure(_ error: any Error, path: String) -> WireError {
    let text = Mlw.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    return WireError(.usage, "\(text) (send 'help \(path)')", data: .object(["category": .string("usage"), "exitCode": .int(2)]))
  }

  /// Help text: the list of commands, or one command's help.
  private func help(_ words: [String]) -> String {
    let type = CommandTree.root.command(named: words).type
    if words.isEmpty {
      return """
        mlw serve: one request per line, the words you would type after 'mlw' (shell quoting), or JSON-RPC 2.0 \
        {"jsonrpc":"2.0","id":1,"method":"lead.member.list","params":{"workspace":"w"}}. First: auth TOKEN. \
        'help COMMAND…' shows a command's options.

        """ + Mlw.helpMessage(for: Mlw.self, columns: 100)
    }
    return Mlw.helpMessage(for: type, columns: 100)
  }

  /// Runs blocking work on the pool, mapping every error to a wire error.
  private func onPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await pool.run { try work() }
    } catch let error as WireError {
      throw error
    } catch let error as WorkerPool.Stopped {
      throw WireError(.internalError, "\(error)")
    } catch let error as any CategorizedError {
      throw WireError(error)
    } catch {
      throw WireError(.internalError, "internal error: \(error)")
    }
  }
}
