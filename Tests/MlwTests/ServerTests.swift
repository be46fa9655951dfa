import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

private func code(_ response: JSONValue) -> Int? { response["error"]?["code"]?.intValue }

@Suite(.serialized) struct ServerTests {
  @Test func bothFormsAuthAndOrderedResponses() throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root)
    let client = try LineClient(port: server.port)
    #expect(try client.request("ping")["result"]?["pong"] == .bool(true))
    #expect(code(try client.request("status -w demo")) == -32010)
    #expect(code(try client.request("auth mlw_0000")) == -32011)
    #expect(
      try client.request(#"{"jsonrpc":"2.0","id":"a","method":"auth","params":{"token":"\#(tokens["ana"]!)"}}"#)["result"]?["member"]
        == .string("ana"))
    let listed = try client.request(#"{"jsonrpc":"2.0","id":9,"method":"lead.member.list","params":{"workspace":"demo"}}"#)
    #expect(listed["id"] == .int(9) && listed["result"]?["members"]?.arrayValue?.count == 5)
    let text = try client.request("lead member list --workspace demo")
    #expect(text["result"] == listed["result"])
    // A batch answers in order, errors included.
    let batch = try client.request(
      #"[{"jsonrpc":"2.0","id":1,"method":"ping"},{"jsonrpc":"2.0","id":2,"method":"lead.member.grant","params":{"workspace":"demo","_":"eve","role":"sme"}},{"jsonrpc":"2.0","id":3,"method":"no.such"}]"#
    )
    #expect(batch.arrayValue?.map { $0["id"] } == [.int(1), .int(2), .int(3)])
    #expect(batch.arrayValue?[1]["result"]?["roles"] == .array([.string("sme"), .string("engineer")]))
    #expect(code(batch.arrayValue![2]) == -32601)
    // The same stored result as on the command line.
    let cli = try mlw(["lead", "member", "list", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(try client.request("lead member list -w demo")["result"] == cli.json)
    #expect(code(try client.request("lead member list -w demo --as sam")) == -32602)
    #expect(code(try client.request("workspaces --root /")) == -32602)
    // A role that is none is a usage error (-32002) in both forms, before anything runs.
    let before = try snapshot(root)
    let worded = try client.request("lead member grant eve --role boss -w demo")
    #expect(code(worded) == -32002, "\(worded)")
    let typed = try client.request(#"{"jsonrpc":"2.0","id":9,"method":"lead.member.grant","params":{"workspace":"demo","_":"eve","role":"boss"}}"#)
    #expect(code(typed) == -32002 && typed["error"]?["message"]?.stringValue?.contains("'boss' is invalid for '--role <role>'") == true, "\(typed)")
    #expect(try snapshot(root) == before)
    #expect(server.stop() == 0)
  }

  /// Generated from the command tree (the server's own catalog, built from it): every command,
  /// unauthenticated and as each role.
  @Test func everyCommandRefusesWithoutAuthAndWithoutTheRole() throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root)
    var anonymous = try LineClient(port: server.port)
    let catalog = try #require(try anonymous.request("help")["result"]?["commands"]?.arrayValue)
    // Before authenticating a connection may send 10 requests; then it is closed.
    var anonymousRequests = 1
    #expect(catalog.count > 60)
    let roles = ["ana": "lead", "sam": "sme", "mia": "manager", "ann": "annotator", "eve": "engineer"]
    var clients: [String: LineClient] = [:]
    for (person, token) in tokens {
      let client = try LineClient(port: server.port)
      #expect(try client.request("auth \(token)")["result"]?["member"] == .string(person))
      clients[person] = client
    }
    for entry in catalog {
      let path = try #require(entry["path"]?.stringValue)
      let access = try #require(entry["access"]?.stringValue)
      // Anyone may rotate their own token; `TokenTests` covers it (here it would end the sessions).
      if path == "token rotate" { continue }
      let line = "\(path) --workspace demo"
      if anonymousRequests == 10 {
        anonymous = try LineClient(port: server.port)
        anonymousRequests = 0
      }
      anonymousRequests += 1
      let unauthenticated = try anonymous.request(line)
      #expect(code(unauthenticated) == -32010, "\(path) without auth: \(unauthenticated)")
      for (person, role) in roles {
        let answer = try clients[person]!.request(line)
        switch access {
        case "local":
          #expect(code(answer) == -32601, "\(path) as \(role): \(answer)")
        case "roles":
          let allowed = entry["roles"]?.arrayValue?.contains(.string(role)) == true
          if allowed {
            #expect(code(answer) != -32005 && code(answer) != -32010, "\(path) as \(role): \(answer)")
          } else {
            #expect(code(answer) == -32005, "\(path) as \(role): \(answer)")
            #expect(answer["error"]?["message"]?.stringValue?.contains("needs") == true, "\(path) as \(role): \(answer)")
          }
        default:
          #expect(code(answer) != -32010 && code(answer) != -32601, "\(path) as \(role): \(answer)")
        }
      }
    }
    #expect(server.stop() == 0)
  }

  @Test func pathsThatLeaveTheRootAreRefused() throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root)
    let client = try LineClient(port: server.port)
    _ = try client.request("auth \(tokens["ana"]!)")
    let manager = try LineClient(port: server.port)
    _ = try manager.request("auth \(tokens["mia"]!)")
    try FileManager.default.createSymbolicLink(atPath: root + "/escape", withDestinationPath: "/etc")
    // And a link inside demo's files area, pointing out of it.
    try FileManager.default.createDirectory(atPath: root + "/demo/files", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: root + "/demo/files/out", withDestinationPath: "/etc")
    let before = try snapshot(root)
    // Each with the one refusal it must get: a name that climbs is an invalid name (-32003); a
    // file outside the area is not permitted (-32005), with or without a workspace.
    let invalid = (-32003, "it must start with a lower-case letter or a digit")
    let outside = (-32005, "stay inside it")
    let cases: [(LineClient, String, (Int, String))] = [
      (client, "show ../../etc/passwd -w demo", invalid), (client, "show workspace/../../x -w demo", invalid),
      (client, "log ../x -w demo", invalid), (client, "diff ../workspace 1 2 -w demo", invalid),
      (client, "revert ../workspace --to 1 -w demo", invalid), (client, "status -w ../demo", invalid),
      (client, "lead member add ../evil --role sme -w demo", invalid), (client, "stats agreement ../../etc/passwd", outside),
      (client, "stats agreement /etc/passwd", outside), (client, "stats agreement escape/passwd", outside),
      (client, "stats agreement out/passwd -w demo", outside), (client, "stats agreement ../../etc/passwd -w demo", outside),
      (client, "stats agreement .team/roster/v000001.json", outside), (client, "stats classification ~/x.csv", outside),
      (client, "stats drift --reference ../a.csv --current b.csv", outside), (client, "stats rank /etc/hosts --metric f1", outside),
      (client, "lead metric-policy rank ../r.csv -w demo", outside), (manager, "manager dataset import d ../items.jsonl -w demo", outside),
      (manager, "manager dataset import ../d items.jsonl -w demo", invalid), (manager, "manager gold set d /etc/passwd -w demo", outside),
      (manager, "manager labels import d ../../l.csv -w demo", outside), (manager, "manager export d --output ../../out.csv -w demo", outside),
      (manager, "manager guidelines set --file ../g.md --message m -w demo", outside),
      (manager, "manager export ../d -w demo", invalid), (manager, "manager report ../d -w demo", invalid),
      (manager, "manager item show ../d x -w demo", invalid),
    ]
    for (who, line, (expected, fragment)) in cases {
      let answer = try who.request(line)
      #expect(code(answer) == expected, "\(line): \(answer)")
      #expect(answer["error"]?["message"]?.stringValue?.contains(fragment) == true, "\(line): \(answer)")
    }
    #expect(try snapshot(root) == before)
    #expect(server.stop() == 0)
  }

  @Test func limitsLineLengthConnectionsAndIdleTime() throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root, arguments: ["--max-connections", "2", "--max-unauthenticated", "2", "--idle-timeout", "1"])
    let a = try LineClient(port: server.port)
    _ = try a.request("auth \(tokens["ana"]!)")
    try a.send(bytes: [UInt8](repeating: UInt8(ascii: "x"), count: 2 << 20) + [0x0A])
    let tooLong = try JSONValue.parse(Array(try #require(try a.readLine()).utf8))
    #expect(code(tooLong) == -32012)
    #expect(try a.readLine() == nil)  // closed

    let b = try LineClient(port: server.port)
    let c = try LineClient(port: server.port)
    #expect(try b.request("ping")["result"] != nil && (try c.request("ping"))["result"] != nil)
    let d = try LineClient(port: server.port)
    let busy = try JSONValue.parse(Array(try #require(try d.readLine()).utf8))
    #expect(code(busy) == -32013)
    // Idle for more than a second: told, then closed.
    let idle = try JSONValue.parse(Array(try #require(try b.readLine()).utf8))
    #expect(code(idle) == -32014)
    #expect(try b.readLine() == nil)
    #expect(server.stop() == 0)
  }

  @Test func concurrentReadModifyWritesLoseNoUpdate() async throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root)
    let setup = try LineClient(port: server.port)
    _ = try setup.request("auth \(tokens["ana"]!)")
    #expect(try setup.request("lead scope set --problem start -w demo")["result"] != nil)
    let port = server.port
    let token = tokens["ana"]!
    let perClient = 1000
    let outcomes = try await withThrowingTaskGroup(of: (Int, Int, Int).self) { group in
      for k in 0..<16 {
        group.addTask {
          let client = try LineClient(port: port)
          _ = try client.request("auth \(token)")
          var (ok, conflicts, other) = (0, 0, 0)
          for n in 0..<perClient {
            let version = try client.request("lead scope show -w demo")["result"]?["version"]?.intValue ?? 0
            let answer = try client.request("lead scope set --problem 'client \(k) update \(n)' --if-version \(version) -w demo")
            if answer["result"] != nil { ok += 1 } else if code(answer) == -32006 { conflicts += 1 } else { other += 1 }
          }
          return (ok, conflicts, other)
        }
      }
      var total = (0, 0, 0)
      for try await o in group { total = (total.0 + o.0, total.1 + o.1, total.2 + o.2) }
      return total
    }
    #expect(outcomes.2 == 0)
    #expect(outcomes.0 + outcomes.1 == 16 * perClient)
    let versions = try FileManager.default.contentsOfDirectory(atPath: root + "/demo/scope").filter { $0.hasPrefix("v") }.count
    #expect(versions == 1 + outcomes.0)
    #expect(server.stop() == 0)
    #expect(try mlw(["fsck"], root: root).status == 0)
  }

  @Test func serverAndCommandLineShareARoot() async throws {
    let (root, tokens) = try makeServedRoot()
    let server = try ServerProcess(root: root)
    let client = try LineClient(port: server.port)
    _ = try client.request("auth \(tokens["ana"]!)")
    _ = try client.request("lead scope set --problem start -w demo")
    let cli = Task.detached {
      var results: [Int32] = []
      for n in 0..<20 {
        results.append(
          try mlw(["lead", "scope", "set", "--milestone", "2027-01-0\(n % 9 + 1) cli \(n)"], root: root, as: "ana", workspace: "demo").status)
      }
      return results
    }
    var serverOK = 0
    for n in 0..<100 where try client.request("lead scope set --success 'server \(n)' -w demo")["result"] != nil { serverOK += 1 }
    let cliResults = try await cli.value
    let cliOK = cliResults.filter { $0 == 0 }.count
    #expect(cliResults.allSatisfy { $0 == 0 || $0 == 6 })  // success or conflict
    let versions = try FileManager.default.contentsOfDirectory(atPath: root + "/demo/scope").filter { $0.hasPrefix("v") }.count
    #expect(versions == 1 + serverOK + cliOK)
    #expect(server.stop(SIGINT) == 0)
    let fsck = try mlw(["fsck"], root: root)
    #expect(fsck.status == 0, "\(fsck.stdout)")
  }
}
