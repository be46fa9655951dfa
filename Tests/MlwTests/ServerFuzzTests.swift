import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// Random and mutated request lines, reproducible from a seed.
private struct LineFuzzer {
  var state: UInt64

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  static let templates = [
    "status -w demo", "lead member list -w demo", "show workspace -w demo", "log -w demo", "diff workspace 1 2 -w demo",
    "lead scope show -w demo", "sme feasibility show -w demo", "stats agreement ratings.csv", "manager report d -w demo",
    "annotator next -w demo", "annotator submit i1 ok -w demo", "annotator guidelines ack -w demo", "lead member add x --role sme -w demo",
    "workspaces", "help lead", #"{"jsonrpc":"2.0","id":1,"method":"status","params":{"workspace":"demo"}}"#,
    #"{"jsonrpc":"2.0","id":"x","method":"lead.member.list","params":{"workspace":"demo","_":["a"]}}"#,
    #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"show","params":{"_":"workspace","workspace":"demo"}}]"#,
  ]
  static let hostile = [
    "../", "../../etc/passwd", "/etc/shadow", ".team/roster", "--as", "ana", "--root=/", "-w", "../demo", "'", "\"", "\\",
    String(repeating: "a", count: 300), "é", "\u{202E}", "$(id)", "`id`", "*", "~", "%00", "--json", "--if-version", "-1",
    "99999999999999999999999", "1e999999", "NaN", "--version", "--help", "-h", "{", "[", "]", "}", ":", ",",
  ]

  /// One request line (no newline inside) and whether it is longer than the server's limit.
  mutating func line() -> [UInt8] {
    switch below(100) {
    case 0..<15:  // random bytes
      return (0..<below(200)).map { _ in UInt8(truncatingIfNeeded: next()) }.filter { $0 != 0x0A }
    case 15..<25:  // invalid UTF-8 around a valid command
      let bad: [[UInt8]] = [[0xC3], [0xFF, 0xFE], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]]
      var bytes = Array(Self.templates[below(Self.templates.count)].utf8)
      bytes.insert(contentsOf: bad[below(bad.count)], at: below(bytes.count + 1))
      return bytes
    case 25..<35:  // unterminated quotes
      return Array((Self.templates[below(12)] + [" '", " \"", " \\", " \"a\\"][below(4)] + "x").utf8)
    case 35..<42:  // deeply nested JSON
      let depth = 50 + below(20000)
      let open = below(2) == 0 ? "[" : "{\"a\":"
      return Array((String(repeating: open, count: depth) + "1").utf8)
    case 42..<50:  // huge numbers and odd ids
      let numbers = ["1e999999", "-1e999999", "123456789012345678901234567890", "0.0000000000000000000001e-400", "-0", "1.7976931348623157e309"]
      let n = numbers[below(numbers.count)]
      return Array((#"{"jsonrpc":"2.0","id":\#(n),"method":"status","params":{"workspace":"demo","limit":\#(n)}}"#).utf8)
    case 50..<58:  // NUL bytes
      var bytes = Array(Self.templates[below(Self.templates.count)].utf8)
      bytes.insert(0, at: below(bytes.count + 1))
      return bytes
    default:  // valid commands with hostile arguments, or mutated
      var words = Self.templates[below(14)].split(separator: " ").map(String.init)
      for _ in 0..<(1 + below(3)) {
        let word = Self.hostile[below(Self.hostile.count)]
        if below(2) == 0 { words.insert(word, at: below(words.count + 1)) } else { words[below(words.count)] = word }
      }
      var bytes = Array(words.joined(separator: " ").utf8)
      if below(4) == 0, !bytes.isEmpty { bytes[below(bytes.count)] = UInt8(truncatingIfNeeded: next()) }
      return bytes.filter { $0 != 0x0A }
    }
  }
}

@Suite(.serialized) struct ServerFuzzTests {
  @Test func hundredThousandHostileLinesLeaveTheServerUpAndTheFilesAlone() throws {
    let (root, tokens) = try makeServedRoot()
    try Data("unit,coder,value\n1,a,x\n1,b,x\n".utf8).write(to: URL(fileURLWithPath: root + "/ratings.csv"))
    let server = try ServerProcess(root: root)
    let before = try snapshot(root)
    var fuzzer = LineFuzzer(state: 20_261_122)
    let total = 100_000
    var sent = 0
    var answered = 0
    var closedAfterLongLine = 0
    var nextLongLine = 20_000

    func connect() throws -> LineClient {
      let client = try LineClient(port: server.port)
      _ = try client.request("auth \(tokens["ann"]!)")
      return client
    }
    var client = try connect()
    while sent < total {
      // Every 20,000 lines, a line of 2 MiB: answered with an error, then the connection closes.
      if sent >= nextLongLine {
        nextLongLine += 20_000
        try client.send(bytes: [UInt8](repeating: UInt8(ascii: "{"), count: 2 << 20) + [0x0A])
        let answer = try #require(try client.readLine())
        #expect(try JSONValue.parse(Array(answer.utf8))["error"]?["code"] == .int(-32012))
        #expect(try client.readLine() == nil)
        closedAfterLongLine += 1
        sent += 1
        client = try connect()
        continue
      }
      let batch = min(400, total - sent)
      var bytes: [UInt8] = []
      for _ in 0..<batch {
        bytes += fuzzer.line()
        bytes.append(0x0A)
      }
      try client.send(bytes: bytes)
      for _ in 0..<batch {
        let answer = try #require(try client.readLine(), "the server closed the connection after \(sent + answered) lines")
        let json = try JSONValue.parse(Array(answer.utf8))
        let objects = json.arrayValue ?? [json]
        #expect(objects.allSatisfy { $0["jsonrpc"] == .string("2.0") && ($0["result"] != nil) != ($0["error"] != nil) }, "\(answer)")
        answered += 1
      }
      sent += batch
    }
    #expect(answered + closedAfterLongLine == total && closedAfterLongLine == 4)
    #expect(server.isRunning)
    // Well-formed requests are still answered correctly.
    let lead = try LineClient(port: server.port)
    _ = try lead.request("auth \(tokens["ana"]!)")
    let listed = try lead.request("lead member list -w demo")
    let cli = try mlw(["lead", "member", "list", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(listed["result"] == cli.json)
    #expect(try snapshot(root) == before)
    #expect(server.stop() == 0)
  }
}
