import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// The server's response cache against a real `mlw serve`: reused answers are the answers the
/// command line gives at that moment, whoever changed the files; writes are never reused; and
/// answers given on the event loop keep request order.
@Suite(.serialized) struct ResponseCacheTests {
  /// Read requests by member, each as the server takes it and as the command line takes it.
  static let reads: [(member: String, words: [String])] = [
    ("ana", ["status"]), ("ana", ["log"]), ("ana", ["lead", "member", "list"]), ("ana", ["lead", "scope", "show"]),
    ("ana", ["lead", "progress"]), ("ana", ["lead", "readiness", "show"]),
    ("mia", ["manager", "guidelines", "show"]), ("mia", ["manager", "schema", "show"]), ("mia", ["manager", "dataset", "list"]),
    ("ann", ["annotator", "guidelines", "show"]), ("ann", ["manager", "schema", "show"]), ("ann", ["annotator", "mine"]),
  ]

  /// Every read, through the server, compared with the command line run now: the same result,
  /// or the same error category.
  static func checkReads(_ clients: [String: LineClient], root: String, step: String) throws {
    for (member, words) in reads {
      let line = (words + ["-w", "demo"]).joined(separator: " ")
      let answer = try clients[member]!.request(line)
      let cli = try mlw(words + ["--json"], root: root, as: member, workspace: "demo")
      if cli.status == 0 {
        #expect(answer["result"] == cli.json, "\(step): '\(line)' as \(member) differs from the command line")
      } else {
        #expect(
          answer["error"]?["code"]?.intValue == -32000 - Int(cli.status),
          "\(step): '\(line)' as \(member): \(answer) but the command line exits \(cli.status)")
      }
    }
  }

  static func hits(in log: String) throws -> Int {
    try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "cache=hit").count - 1
  }

  @Test func reusedAnswersAreTheCommandLinesAfterEveryChange() throws {
    let (root, tokens) = try makeServedRoot()
    #expect(
      try mlw(
        ["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bad=defect"], root: root, as: "mia",
        workspace: "demo"
      ).status == 0)
    #expect(try mlw(["manager", "guidelines", "set", "--summary", "s", "--message", "v1"], root: root, as: "mia", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "scope", "set", "--problem", "p1"], root: root, as: "ana", workspace: "demo").status == 0)
    let log = root + "/../serve-\(getpid()).log"
    let server = try ServerProcess(root: root, log: log)
    var clients: [String: LineClient] = [:]
    for member in ["ana", "mia", "ann"] {
      clients[member] = try LineClient(port: server.port)
      _ = try clients[member]!.request("auth \(tokens[member]!)")
    }
    // Files changed less than a second ago are not trusted to show a change by their times.
    usleep(1_100_000)
    try Self.checkReads(clients, root: root, step: "first")
    try Self.checkReads(clients, root: root, step: "again")
    #expect(try Self.hits(in: log) > 0, "repeated reads of settled files are answered from the cache")

    // Changes by another process (the command line), which the server hears nothing of.
    let changes: [(String, [String])] = [
      ("ana", ["lead", "member", "add", "bob", "--role", "annotator"]),
      ("mia", ["manager", "guidelines", "set", "--summary", "s2", "--message", "v2"]),
      ("ann", ["annotator", "guidelines", "ack"]),
      ("ana", ["lead", "scope", "set", "--problem", "p2"]),
      ("ana", ["lead", "readiness", "set", "--test", "infrastructure.1=automated"]),
      ("ana", ["lead", "member", "revoke", "ann", "--role", "annotator"]),
    ]
    for (member, words) in changes {
      let before = try Self.hits(in: log)
      let changed = try mlw(words, root: root, as: member, workspace: "demo")
      try Self.checkReads(clients, root: root, step: "right after '\(words.joined(separator: " "))'")
      usleep(1_100_000)
      try Self.checkReads(clients, root: root, step: "a second after '\(words.joined(separator: " "))'")
      try Self.checkReads(clients, root: root, step: "again after '\(words.joined(separator: " "))'")
      if changed.status == 0 { #expect(try Self.hits(in: log) > before) }
    }
    // A change through the server itself.
    #expect(try clients["ana"]!.request("lead scope set --problem p3 -w demo")["result"] != nil)
    try Self.checkReads(clients, root: root, step: "after a write through the server")
    #expect(try clients["ana"]!.request("lead scope show -w demo")["result"]?["scope"]?["problem"] == .string("p3"))
    #expect(server.stop() == 0)
  }

  @Test func writesAreNeverAnsweredFromTheCache() throws {
    let (root, tokens) = try makeServedRoot()
    #expect(
      try mlw(
        ["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bad=defect"], root: root, as: "mia",
        workspace: "demo"
      ).status == 0)
    #expect(try mlw(["manager", "guidelines", "set", "--summary", "s", "--message", "v1"], root: root, as: "mia", workspace: "demo").status == 0)
    usleep(1_100_000)
    let server = try ServerProcess(root: root)
    let ann = try LineClient(port: server.port)
    _ = try ann.request("auth \(tokens["ann"]!)")
    for _ in 0..<20 { #expect(try ann.request("annotator guidelines ack -w demo")["result"] != nil) }
    let acks = try String(contentsOfFile: root + "/demo/guidelines/acks.jsonl", encoding: .utf8).split(separator: "\n").count
    #expect(acks == 1 + 20, "a header line and one line per acknowledgement")
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    for _ in 0..<5 {
      let set = try ana.request("lead scope set --problem 'same words' -w demo")
      #expect(set["result"] != nil)
    }
    let versions = try FileManager.default.contentsOfDirectory(atPath: root + "/demo/scope").filter { $0.hasPrefix("v") }.count
    #expect(versions == 5)
    #expect(server.stop() == 0)
  }

  /// Lines sent together, some answered at once on the event loop (ping, cached reads) and some
  /// the long way (writes, reads not cached yet, errors): the answers come back in order.
  @Test func answersStayInRequestOrder() throws {
    let (root, tokens) = try makeServedRoot()
    usleep(1_100_000)
    let server = try ServerProcess(root: root)
    let client = try LineClient(port: server.port)
    _ = try client.request("auth \(tokens["ana"]!)")
    let expected = try client.request("lead member list -w demo")["result"]
    #expect(expected != nil)
    var number = 2
    for round in 0..<60 {
      let lines = [
        "lead member list -w demo", "ping",
        #"{"jsonrpc":"2.0","id":"r\#(round)","method":"lead.member.list","params":{"workspace":"demo"}}"#,
        "lead scope set --problem 'round \(round)' -w demo", "lead member list -w demo", "no such command",
        "lead scope show -w demo", "ping", "lead member list -w demo",
      ]
      try client.send(bytes: Array(lines.map { $0 + "\n" }.joined().utf8))
      for (i, line) in lines.enumerated() {
        number += 1
        guard let text = try client.readLine() else { throw ServerTestError("closed") }
        let answer = try JSONValue.parse(Array(text.utf8))
        let id: JSONValue = line.hasPrefix("{") ? .string("r\(round)") : .int(number)
        #expect(answer["id"] == id, "round \(round), line \(i): \(text)")
        if line.hasPrefix("lead member list") || line.hasPrefix("{") { #expect(answer["result"] == expected) }
        if line.hasPrefix("lead scope show") {
          #expect(answer["result"]?["scope"]?["problem"] == .string("round \(round)"))
        }
      }
    }
    #expect(server.stop() == 0)
  }

  /// The same answers, byte for byte, with the cache off.
  @Test func theCacheChangesNoByte() throws {
    let (root, tokens) = try makeServedRoot()
    usleep(1_100_000)
    let cached = try ServerProcess(root: root)
    let plain = try ServerProcess(root: root, arguments: ["--cache-megabytes", "0"])
    var answers: [[String]] = []
    for server in [cached, plain] {
      let client = try LineClient(port: server.port)
      _ = try client.request("auth \(tokens["ana"]!)")
      var lines: [String] = []
      for _ in 0..<3 {
        for line in [
          "lead member list -w demo", "status -w demo", #"{"jsonrpc":"2.0","id":7,"method":"log","params":{"workspace":"demo"}}"#,
        ] {
          try client.send(line)
          lines.append(try client.readLine() ?? "")
        }
      }
      answers.append(lines)
    }
    #expect(answers[0] == answers[1])
    #expect(cached.stop() == 0 && plain.stop() == 0)
  }
}
