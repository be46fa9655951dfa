import Testing
import VersionedStore

@testable import LineServer

/// The server writes a result's response line by splicing the result's bytes (cached or just
/// encoded) between the id and the closing brace; it must be the canonical encoding of the whole
/// response object, byte for byte.
@Suite struct WireAnswerTests {
  @Test func splicedResponsesAreTheCanonicalEncoding() throws {
    let ids: [JSONValue] = [.int(1), .int(-7), .int(Int.max), .null, .string("a"), .string("q\"\\\n\u{1}é😀"), .string("")]
    let results: [JSONValue] = [
      .object([:]), .array([]), .null, .bool(false), .int(0), .double(0.5), .string("x\ty"),
      .object(["members": .array([.object(["name": .string("ana"), "roles": .array([.string("lead")])])]), "workspace": .string("w")]),
    ]
    for id in ids {
      for result in results {
        let spliced = WireAnswer(id: id, body: .result(result.canonicalBytes(pretty: false))).bytes
        #expect(spliced == WireResponse.result(id: id, result).canonicalBytes(pretty: false), "id \(id), result \(result)")
        #expect(try JSONValue.parse(spliced) == WireResponse.result(id: id, result))
      }
      let error = WireError(.notFound, "no such record", data: .object(["category": .string("notFound")]))
      #expect(WireAnswer.error(id, error).bytes == WireResponse.error(id: id, error).canonicalBytes(pretty: false))
    }
  }
}
