import Logging
import NIOConcurrencyHelpers
import VersionedStore

/// One connection's state: whether it was admitted, who it is authenticated as, and counts of
/// its requests (the id of a text-form request; the requests it sent before authenticating).
/// Shared by the connection's task, the handler that answers on the event loop, and the
/// connection's timers, which take turns.
public final class Session: Sendable {
  private struct State {
    var id = 0
    var caller: Caller?
    var requests = 0
    var unauthenticatedRequests = 0
  }

  private let state = NIOLockedValueBox(State())

  public init() {}

  /// The connection's number in the log; 0 until the server admits it.
  var id: Int {
    get { state.withLockedValue { $0.id } }
    set { state.withLockedValue { $0.id = newValue } }
  }

  /// The authenticated caller.
  var caller: Caller? {
    get { state.withLockedValue { $0.caller } }
    set { state.withLockedValue { $0.caller = newValue } }
  }

  /// The state in one look: number, caller, and requests so far.
  var snapshot: (id: Int, caller: Caller?, requests: Int) {
    state.withLockedValue { ($0.id, $0.caller, $0.requests) }
  }

  /// Counts a request; its number.
  func countRequest() -> Int {
    state.withLockedValue { state in
      state.requests += 1
      return state.requests
    }
  }

  /// Counts a request made before authenticating; how many there were, this one included.
  func countUnauthenticated() -> Int {
    state.withLockedValue { state in
      state.unauthenticatedRequests += 1
      return state.unauthenticatedRequests
    }
  }
}

/// The limits that bound what one request, and one connection before it authenticates, can
/// make the server do.
public struct RequestLimits: Sendable {
  /// Requests (`auth`, `ping`, `help`) a connection may send before it authenticates.
  public var beforeAuth: Int
  /// Calls in one JSON-RPC batch.
  public var batchCalls: Int
  /// Bytes of one response line.
  public var replyBytes: Int

  public init(beforeAuth: Int = 10, batchCalls: Int = 100, replyBytes: Int = 16 << 20) {
    self.beforeAuth = beforeAuth
    self.batchCalls = batchCalls
    self.replyBytes = replyBytes
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

/// What the pipeline made of a line: the response line, and whether the connection must close
/// after it (a client that went on sending before authenticating).
struct PipelineResponse: Sendable {
  var line: [UInt8]
  var close = false
}

/// Answers request lines, one step at a time: decode (text or JSON-RPC, batches), authenticate
/// (`auth`, and before every request whether the connection's token still holds), the requests
/// that need no command (`ping`, `help`), the response cache (its one entry point), then the
/// responder on the worker pool (commands do blocking file I/O, which must not stall the event
/// loops or the cooperative pool), and encode one JSON-RPC response line.
struct RequestPipeline: Sendable {
  let responder: any Responder
  let pool: WorkerPool
  let logger: Logger
  let cache: ResponseCache
  let limits: RequestLimits

  /// The response line(s) for one request line.
  func respond(to line: [UInt8], session: Session) async -> PipelineResponse {
    switch Self.decode(line, number: session.countRequest()) {
    case .refused(let answer):
      return PipelineResponse(line: answer.bytes + [0x0A])
    case .request(let request):
      return await respondCounted(to: request, session: session)
    case .batch(let batch):
      guard batch.count <= limits.batchCalls else {
        let error = WireError(.invalidRequest, "a batch of \(batch.count) calls; send at most \(limits.batchCalls) in one")
        return PipelineResponse(line: WireAnswer.error(.null, error).bytes + [0x0A])
      }
      var out: [UInt8] = [UInt8(ascii: "[")]
      var close = false
      for (i, element) in batch.enumerated() {
        if i > 0 { out.append(UInt8(ascii: ",")) }
        let answer: WireAnswer
        switch Self.request(from: element) {
        case .success(let request):
          let (one, mustClose) = await run(request, session: session)
          answer = one
          close = close || mustClose
        case .failure(let refusal): answer = refusal.answer
        }
        var bytes = answer.bytes
        if out.count + bytes.count > limits.replyBytes { bytes = tooLarge(answer.id).bytes }
        out += bytes
      }
      return PipelineResponse(line: out + [UInt8(ascii: "]"), 0x0A], close: close)
    }
  }

  /// What `immediateResponse` made of a line.
  enum Immediate {
    /// The response line: `ping`, or a read whose cached result still holds.
    case answered([UInt8])
    /// One well-formed request that needs the long way (its number is counted then).
    case decoded(WireRequest)
    /// Anything else (a batch, an error, a connection not admitted or not authenticated):
    /// the long way, as a line.
    case notDecoded
  }

  /// Answers at once, on the event loop, an authenticated request that needs no command run:
  /// `ping`, or a read whose cached result still holds. A request it cannot answer goes on
  /// decoded, so that the long way does not decode it again.
  func immediateResponse(to line: [UInt8], session: Session) -> Immediate {
    let start = ContinuousClock.now
    let (id, caller, requests) = session.snapshot
    guard id > 0, let caller, case .request(let request) = Self.decode(line, number: requests + 1) else { return .notDecoded }
    guard responder.isCurrent(caller) else { return .decoded(request) }
    let path: String
    let answer: WireAnswer
    var cached: String? = nil
    if request.words == ["ping"] {
      (path, answer) = ("ping", WireAnswer(id: request.id, body: .result(Self.pong)))
    } else if let hit = cache.hit(for: ResponseCache.Key(member: caller.member, words: request.words)), request.attachments.isEmpty {
      (path, answer, cached) = (hit.path, WireAnswer(id: request.id, body: .result(hit.result)), "hit")
    } else {
      return .decoded(request)
    }
    _ = session.countRequest()
    log(path: path, answer: answer, cache: cached, connection: id, member: caller.member, since: start)
    return .answered(answer.bytes + [0x0A])
  }

  /// The response line for a request `immediateResponse` decoded (it is counted now, and took
  /// the number it was decoded with: nothing else of its connection ran in between).
  func respond(to request: WireRequest, session: Session) async -> PipelineResponse {
    _ = session.countRequest()
    return await respondCounted(to: request, session: session)
  }

  private func respondCounted(to request: WireRequest, session: Session) async -> PipelineResponse {
    let (answer, close) = await run(request, session: session)
    var bytes = answer.bytes
    if bytes.count > limits.replyBytes { bytes = tooLarge(answer.id).bytes }
    return PipelineResponse(line: bytes + [0x0A], close: close)
  }

  private func tooLarge(_ id: JSONValue) -> WireAnswer {
    .error(id, WireError(.replyTooLarge, "the answer is larger than \(limits.replyBytes) bytes; ask for less (--limit, one record at a time)"))
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
      if method == "auth" {
        return .success(WireRequest(id: id, words: ["auth"] + (fields["params"]?["token"]?.stringValue.map { [$0] } ?? [])))
      }
      var attachments: [Attachment] = []
      let words = try WireDecoder.words(method: method, params: fields["params"], attachments: &attachments)
      return .success(WireRequest(id: id, words: words, attachments: attachments))
    } catch {
      return .failure(WireAnswerFailure(.error(id, error)))
    }
  }

  /// Runs one decoded request; the answer, and whether the connection must close after it.
  private func run(_ request: WireRequest, session: Session) async -> (WireAnswer, close: Bool) {
    let start = ContinuousClock.now
    var path = "-"
    var cache: String? = nil
    var close = false
    let answer: WireAnswer
    do {
      let outcome = try await dispatch(request, session: session)
      path = outcome.path
      cache = outcome.cache
      answer = WireAnswer(id: request.id, body: .result(outcome.result))
    } catch let refusal as BeforeAuthentication {
      path = logPath(request.words)
      close = refusal.close
      answer = .error(request.id, refusal.error)
    } catch {
      path = logPath(request.words)
      answer = .error(request.id, (error as? WireError) ?? WireError(.internalError, "internal error: \(error)"))
    }
    let (id, caller, _) = session.snapshot
    log(path: path, answer: answer, cache: cache, connection: id, member: caller?.member, since: start)
    return (answer, close)
  }

  /// A request refused before the connection authenticated; `close` once it sent too many.
  private struct BeforeAuthentication: Error {
    let error: WireError
    let close: Bool
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
  private func logPath(_ words: [String]) -> String {
    if let first = words.first, ["auth", "ping", "help"].contains(first) { return first }
    return responder.path(of: words) ?? "?"
  }

  /// The command path run, its result's canonical bytes, and what the response cache did
  /// ("hit", "stored", or nil).
  private func dispatch(_ request: WireRequest, session: Session) async throws
    -> (path: String, result: [UInt8], cache: String?)
  {
    let words = request.words
    guard let first = words.first else { throw WireError(.invalidRequest, "an empty request; send 'help' for the commands") }

    // Authenticate: the handshake, and whether the connection's token still holds.
    var caller = session.caller
    if let current = caller, !responder.isCurrent(current) {
      session.caller = nil
      caller = nil
      if first != "auth" {
        throw WireError(.unauthenticated, "the token this connection authenticated with was replaced; authenticate again (auth TOKEN)")
      }
    }
    if caller == nil {
      let count = session.countUnauthenticated()
      guard count <= limits.beforeAuth else {
        let error = WireError(.tooManyRequests, "\(limits.beforeAuth) requests without authenticating; connection closed")
        throw BeforeAuthentication(error: error, close: true)
      }
      guard ["auth", "ping", "help"].contains(first) else {
        let error = WireError(.unauthenticated, "authenticate first: send 'auth TOKEN' (only auth, ping and help are answered before)")
        throw BeforeAuthentication(error: error, close: false)
      }
    }
    switch first {
    case "ping":
      return ("ping", Self.pong, nil)
    case "help":
      return ("help", responder.help(Array(words.dropFirst())).canonicalBytes(pretty: false), nil)
    case "auth":
      // A failed attempt leaves the connection unauthenticated, whoever it was before.
      session.caller = nil
      guard words.count == 2 else { throw WireError(.invalidParams, "send 'auth TOKEN' (JSON-RPC: method \"auth\", params {\"token\": …})") }
      let token = words[1]
      let responder = self.responder
      let authenticated = try await onPool { () throws -> Caller? in try responder.authenticate(token: token) }
      guard let authenticated else {
        throw WireError(
          .authenticationFailed,
          "the token is not valid; the server's administrator issues an invitation (mlw token invite NAME) if you lost yours")
      }
      session.caller = authenticated
      var result: [String: JSONValue] = ["member": .string(authenticated.member)]
      if authenticated.standing == .invited {
        result["invitation"] = .bool(true)
        result["next"] = .string("token rotate: exchange this invitation for a token of your own")
      }
      return ("auth", JSONValue.object(result).canonicalBytes(pretty: false), nil)
    default:
      break
    }
    guard let caller else { throw WireError(.unauthenticated, "authenticate first: send 'auth TOKEN'") }
    guard let path = responder.path(of: words) else {
      throw WireError(.methodNotFound, "unknown command '\(first)'; send 'help' for the commands")
    }
    // The cache's one entry point. Lines that arrived while another was running, and batch
    // elements, did not pass the event loop's look at it.
    let key = ResponseCache.Key(member: caller.member, words: words)
    let cacheable = request.attachments.isEmpty
    if cacheable, let hit = cache.hit(for: key) { return (path, hit.result, "hit") }
    let (responder, cache) = (self.responder, self.cache)
    let reads = cacheable && cache.tracks(path) ? ReadSet() : nil
    let (result, stored) = try await onPool { () throws -> ([UInt8], Bool) in
      let json = try ReadSet.$current.withValue(reads) { try responder.respond(to: request, caller: caller) }
      let result = json.canonicalBytes(pretty: false)
      // Only a run that recorded what it read may be stored.
      guard let reads else { return (result, false) }
      cache.ran(path, wrote: reads.wrote)
      return (result, cache.store(ResponseCache.Hit(path: path, result: result), reads: reads, for: key))
    }
    return (path, result, stored ? "stored" : nil)
  }

  /// Runs blocking work on the pool, mapping every error to a wire error.
  private func onPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await pool.run { try work() }
    } catch let error as WireError {
      throw error
    } catch let error as WorkerPool.Stopped {
      throw WireError(.shuttingDown, "\(error)")
    } catch let error as any CategorizedError {
      throw WireError(error)
    } catch {
      throw WireError(.internalError, "internal error: \(error)")
    }
  }
}
