import Logging
import NIOConcurrencyHelpers
import Testing
import VersionedStore

@testable import LineServer

/// A responder with two tokens and two commands, whose credentials can be ended from the test.
final class FakeResponder: Responder {
  let ended = NIOLockedValueBox(Set<String>())

  func authenticate(token: String) throws -> Caller? {
    switch token {
    case "tok-ana": Caller(member: "ana", credential: "h-ana", standing: .member)
    case "inv-bo": Caller(member: "bo", credential: "h-bo", standing: .invited)
    default: nil
    }
  }

  func isCurrent(_ caller: Caller) -> Bool { !ended.withLockedValue { $0.contains(caller.credential) } }

  func path(of words: [String]) -> String? { words.first }

  func respond(to request: WireRequest, caller: Caller) throws -> JSONValue {
    switch request.words.first {
    case "echo": .object(["member": .string(caller.member), "words": .array(request.words.map(JSONValue.string))])
    case "big": .string(String(repeating: "x", count: 5000))
    default: throw WireError(.methodNotFound, "no command \(request.words.first ?? "")")
    }
  }

  func help(_ words: [String]) -> JSONValue { .object(["commands": .array([.string("echo"), .string("big")])]) }
}

/// The request pipeline in process, without a socket: each step (decode, authenticate, limits,
/// run, encode) as a connection sees it.
@Suite struct RequestPipelineTests {
  let responder = FakeResponder()

  func pipeline(_ limits: RequestLimits = RequestLimits(beforeAuth: 10, batchCalls: 100, replyBytes: 2000)) -> RequestPipeline {
    RequestPipeline(
      responder: responder, pool: WorkerPool(threads: 2), logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }),
      cache: ResponseCache(capacityBytes: 0), limits: limits)
  }

  func session() -> Session {
    let session = Session()
    session.id = 1
    return session
  }

  func answer(_ pipeline: RequestPipeline, _ line: String, _ session: Session) async throws -> (JSONValue, close: Bool) {
    let response = await pipeline.respond(to: Array(line.utf8), session: session)
    #expect(response.line.last == 0x0A && response.line.dropLast().firstIndex(of: 0x0A) == nil, "one line per request")
    return (try JSONValue.parse(response.line.dropLast()), response.close)
  }

  func code(_ value: JSONValue) -> Int? { value["error"]?["code"]?.intValue }

  @Test func beforeAuthOnlyAuthPingAndHelpABoundedNumberOfTimes() async throws {
    let p = pipeline()
    let s = session()
    #expect(code(try await answer(p, "echo hi", s).0) == -32010)
    #expect(try await answer(p, "ping", s).0["result"]?["pong"] == .bool(true))
    #expect(try await answer(p, "help", s).0["result"]?["commands"] != nil)
    for _ in 0..<7 { _ = try await answer(p, "ping", s) }
    let (last, close) = try await answer(p, "ping", s)
    #expect(code(last) == -32016 && close)
    // Authenticated, the count no longer applies.
    let t = session()
    #expect(try await answer(p, "auth tok-ana", t).0["result"]?["member"] == .string("ana"))
    for _ in 0..<20 {
      let echoed = try await answer(p, "echo x", t).0
      #expect(echoed["result"]?["member"] == .string("ana"))
    }
  }

  @Test func anEndedTokenEndsTheSessionAndAFailedAuthLeavesNoIdentity() async throws {
    let p = pipeline()
    let s = session()
    _ = try await answer(p, #"{"jsonrpc":"2.0","id":1,"method":"auth","params":{"token":"tok-ana"}}"#, s)
    #expect(try await answer(p, "echo a", s).0["result"]?["member"] == .string("ana"))
    responder.ended.withLockedValue { _ = $0.insert("h-ana") }
    #expect(code(try await answer(p, "echo a", s).0) == -32010)
    #expect(s.caller == nil)
    responder.ended.withLockedValue { $0.removeAll() }
    _ = try await answer(p, "auth tok-ana", s)
    #expect(code(try await answer(p, "auth wrong", s).0) == -32011)
    let afterFailure = try await answer(p, "echo a", s).0
    #expect(s.caller == nil && code(afterFailure) == -32010)
    // An invitation authenticates, with its standing, for the responder to limit.
    #expect(try await answer(p, "auth inv-bo", s).0["result"]?["invitation"] == .bool(true))
    #expect(s.caller?.standing == .invited)
  }

  @Test func batchesAndRepliesAreCapped() async throws {
    let p = pipeline()
    let s = session()
    _ = try await answer(p, "auth tok-ana", s)
    let call = #"{"jsonrpc":"2.0","id":1,"method":"echo","params":{"_":["x"]}}"#
    let three = try await answer(p, "[" + Array(repeating: call, count: 3).joined(separator: ",") + "]", s).0
    #expect(three.arrayValue?.count == 3 && three.arrayValue?.allSatisfy { $0["result"] != nil } == true)
    #expect(code(try await answer(p, "[" + Array(repeating: call, count: 101).joined(separator: ",") + "]", s).0) == -32600)
    #expect(code(try await answer(p, "big", s).0) == -32017)
    // A batch stays within the reply cap: the calls past it are answered "too large".
    let bigs = #"{"jsonrpc":"2.0","id":2,"method":"big"}"#
    let capped = try await answer(p, "[" + bigs + "," + call + "]", s).0
    #expect(capped.arrayValue?.map { $0["error"]?["code"]?.intValue } == [-32017, nil])
  }

  @Test func malformedLinesGetOneAnswerEach() async throws {
    let p = pipeline()
    let s = session()
    for (line, expected) in [("{", -32700), ("[]", -32600), (#"{"jsonrpc":"1.0","id":1,"method":"ping"}"#, -32600), ("echo 'open", -32600)] {
      #expect(code(try await answer(p, line, s).0) == expected, "\(line)")
    }
    let nul = await p.respond(to: [0x65, 0x00, 0x66], session: s)
    #expect(code(try JSONValue.parse(nul.line.dropLast())) == -32600)
  }
}
