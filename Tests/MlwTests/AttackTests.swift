import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

private func code(_ response: JSONValue) -> Int? { response["error"]?["code"]?.intValue }
private func put(_ text: String, _ path: String) throws { try text.write(toFile: path, atomically: false, encoding: .utf8) }

/// The attacks an outsider tried on the shared root, replayed against a real `mlw serve` and the
/// real binary. Each failed before the fix (commit 78fcfbc and earlier); see the issue's list.
@Suite(.serialized) struct AttackTests {
  /// Two workspaces: `demo` (ana leads and holds every role; the one-role members of
  /// `makeServedRoot`) and `other` (bob leads; ana is not a member). Returns ana's and bob's tokens.
  static func twoWorkspaces() throws -> (root: String, tokens: [String: String]) {
    var (root, tokens) = try makeServedRoot()
    for role in ["sme", "manager", "annotator", "engineer"] {
      #expect(try mlw(["lead", "member", "grant", "ana", "--role", role], root: root, as: "ana", workspace: "demo").status == 0)
    }
    let other = try mlw(["init", "other", "--lead", "bob", "--json"], root: root)
    tokens["bob"] = try #require(other.json?["token"]?.stringValue)
    return (root, tokens)
  }

  /// Every file argument of every command, from the tree's own description (the completion kind
  /// the file argument types declare): the words of a request with `value` in that place.
  static func fileArgumentRequests(_ value: String) throws -> [String] {
    let dump = try run("mlw", ["--experimental-dump-help"])
    let tree = try JSONValue.parse(Array(dump.stdout.utf8))
    var requests: [String] = []
    func quoted(_ word: String) -> String { "'" + word + "'" }
    func walk(_ command: JSONValue, _ path: [String]) {
      let subcommands = command["subcommands"]?.arrayValue ?? []
      if subcommands.isEmpty {
        let arguments = (command["arguments"]?.arrayValue ?? []).filter { $0["shouldDisplay"] != .bool(false) }
        for (index, target) in arguments.enumerated() where target["completionKind"]?["file"] != nil {
          var words = path
          for (other, argument) in arguments.enumerated() {
            let isFile = argument["completionKind"]?["file"] != nil
            let text = other == index ? quoted(value) : (isFile ? "ok.csv" : "d")
            let name = argument["names"]?.arrayValue?.first?["name"]?.stringValue
            switch argument["kind"]?.stringValue {
            case "positional"?:
              if argument["isOptional"] != .bool(true) || other == index { words.append(text) }
            case "option"?:
              if let name, name != "w", name != "root", name != "as", argument["isOptional"] != .bool(true) || other == index {
                words += ["--" + name, text]
              }
            default: break
            }
          }
          // `stats rank` needs a rule besides its required arguments (its validate() says so).
          if path == ["stats", "rank"] { words += ["--metric", "f1"] }
          // `--annotators` maps Label Studio users (its validate() refuses it with another format).
          if path == ["manager", "labels", "import"], target["names"]?.arrayValue?.first?["name"] == .string("annotators") {
            words += ["--format", "label-studio"]
          }
          requests.append((words + ["-w", "demo"]).joined(separator: " "))
        }
      }
      for sub in subcommands { walk(sub, path + [sub["commandName"]?.stringValue ?? "?"]) }
    }
    walk(tree["command"] ?? .null, [])
    return requests
  }

  @Test func everyFileArgumentStaysInTheCallersFilesArea() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let area = root + "/demo/files"
    try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
    try "unit,coder,value\nu1,a,x\nu1,b,x\n".write(toFile: area + "/ok.csv", atomically: true, encoding: .utf8)
    try FileManager.default.createSymbolicLink(atPath: area + "/teamlink", withDestinationPath: root + "/.team")
    try FileManager.default.createSymbolicLink(atPath: area + "/otherlink", withDestinationPath: root + "/other")
    try FileManager.default.createSymbolicLink(atPath: area + "/nowhere", withDestinationPath: root + "/no-such-folder")
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    let hostile = [
      "../workspace/v000001.json", "../../other/workspace/v000001.json", root + "/other/workspace/v000001.json", "/etc/passwd",
      "teamlink/roster/v000001.json", "otherlink/workspace/v000001.json", "otherlink/x.csv", "teamlink/x.csv", "nowhere/x.csv",
      ".team/roster/v000001.json", "~/x.csv", "a/../../x.csv",
    ]
    let probe = try Self.fileArgumentRequests("X")
    #expect(probe.count >= 14, "file arguments found in the tree: \(probe)")
    let before = try snapshot(root)
    for value in hostile {
      for line in try Self.fileArgumentRequests(value) {
        let answer = try ana.request(line)
        #expect(code(answer) == -32005, "\(line): \(answer)")
        let message = answer["error"]?["message"]?.stringValue ?? ""
        #expect(message.contains("files area"), "\(line): \(message)")
        // Nothing about what lies outside: no path of the server's beyond what the caller sent.
        #expect(value.hasPrefix("/") || !message.contains(root), "\(line) reveals the root: \(message)")
      }
    }
    #expect(try snapshot(root) == before, "a refused file argument changed something")
    #expect(server.stop() == 0)
  }

  @Test func filesAreSentInlineReadInsideTheAreaAndNeverReplacedUnasked() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    let ratings = #"unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\nu2,b,x\n"#
    let upload =
      #"{"jsonrpc":"2.0","id":1,"method":"stats.agreement","params":{"workspace":"demo","bootstrap":0,"_":{"name":"r.csv","content":"\#(ratings)"}}}"#
    let answer = try ana.request(upload)
    #expect(answer["result"]?["units"] == .int(2), "\(answer)")
    #expect(FileManager.default.fileExists(atPath: root + "/demo/files/r.csv"))
    // The same content again is fine; other content under the same name is not stored.
    #expect(try ana.request(upload)["result"] != nil)
    let changed = upload.replacingOccurrences(of: "u2,b,x", with: "u2,b,y")
    #expect(code(try ana.request(changed)) == -32006)
    // A file sent inline must be one of the command's own file arguments.
    let stray = #"{"jsonrpc":"2.0","id":2,"method":"status","params":{"workspace":"demo","x":{"name":"s.csv","content":"a"}}}"#
    #expect(code(try ana.request(stray)) != nil)
    #expect(!FileManager.default.fileExists(atPath: root + "/demo/files/s.csv"))
    // Without -w there is no area; a member of another workspace reaches none of demo's.
    #expect(code(try ana.request("stats agreement r.csv --bootstrap 0")) == -32005)
    let bob = try LineClient(port: server.port)
    _ = try bob.request("auth \(tokens["bob"]!)")
    let foreign = try bob.request("stats agreement r.csv --bootstrap 0 -w demo")
    let missing = try bob.request("stats agreement r.csv --bootstrap 0 -w nosuch")
    #expect(code(foreign) == -32004 && foreign["error"]?["message"] == missing["error"]?["message"].map { _ in foreign["error"]!["message"]! })
    #expect(foreign["error"]?["message"]?.stringValue?.contains("that bob belongs to") == true, "\(foreign)")
    #expect(server.stop() == 0)
  }

  @Test func aLeadCannotTakeOverAnotherPersonsAccount() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    // ana adds bob (who leads `other`) to her workspace: no credential of bob's comes back.
    let added = try ana.request("lead member add bob --role annotator -w demo")
    #expect(added["result"]?["token"] == nil && added["result"]?["invitation"] == nil, "\(added)")
    let gone = try ana.request("lead member rotate-token bob -w demo")
    #expect(code(gone) == -32601, "no lead hands out anyone's token: \(gone)")
    // bob's own token still works, and still reaches his workspace.
    let bob = try LineClient(port: server.port)
    #expect(try bob.request("auth \(tokens["bob"]!)")["result"]?["member"] == .string("bob"))
    #expect(try bob.request("lead member list -w other")["result"] != nil)
    // ana sees nothing of `other`, and `workspaces` lists only hers.
    let listed = try ana.request("workspaces")["result"]?["workspaces"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
    #expect(listed == ["demo"])
    for line in ["status -w other", "log -w other", "show workspace -w other", "lead member list -w other", "log gold/x -w other"] {
      let answer = try ana.request(line)
      let nothing = try ana.request(line.replacingOccurrences(of: "-w other", with: "-w nosuch"))
      #expect(
        code(answer) == -32004
          && answer["error"]?["message"]?.stringValue?.replacingOccurrences(of: "'other'", with: "'nosuch'")
            == nothing["error"]?["message"]?.stringValue,
        "\(line): \(answer) vs \(nothing)")
    }
    #expect(server.stop() == 0)
  }

  @Test func rotatingATokenEndsItsConnectionsAndAFailedAuthLeavesNoIdentity() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    let first = try LineClient(port: server.port)
    let second = try LineClient(port: server.port)
    _ = try first.request("auth \(tokens["sam"]!)")
    _ = try second.request("auth \(tokens["sam"]!)")
    #expect(try second.request("sme baseline list -w demo")["result"] != nil)
    let rotated = try first.request("token rotate")
    let token = try #require(rotated["result"]?["token"]?.stringValue)
    for client in [first, second] {
      #expect(code(try client.request("sme baseline list -w demo")) == -32010)
    }
    #expect(try second.request("auth \(token)")["result"]?["member"] == .string("sam"))
    #expect(try second.request("sme baseline list -w demo")["result"] != nil)
    // A failed auth on a live connection leaves it unauthenticated.
    #expect(code(try second.request("auth mlw_not_a_token")) == -32011)
    #expect(code(try second.request("sme baseline list -w demo")) == -32010)
    // The same over the command line's rotation: the server notices at the next request.
    let third = try LineClient(port: server.port)
    _ = try third.request("auth \(token)")
    #expect(try mlw(["token", "rotate"], root: root, as: "sam").status == 0)
    #expect(code(try third.request("sme baseline list -w demo")) == -32010)
    // The stale session is now unauthenticated: ping (open to all) answers, commands do not.
    #expect(try third.request("ping")["result"] != nil)
    #expect(code(try third.request("sme baseline list -w demo")) == -32010)
    // An invitation is good for `token rotate` only.
    let invited = try mlw(["lead", "member", "add", "zoe", "--role", "annotator", "--json"], root: root, as: "ana", workspace: "demo")
    let invitation = try #require(invited.json?["invitation"]?.stringValue)
    let zoe = try LineClient(port: server.port)
    #expect(try zoe.request("auth \(invitation)")["result"]?["invitation"] == .bool(true))
    #expect(code(try zoe.request("annotator mine -w demo")) == -32005)
    let own = try #require(try zoe.request("token rotate")["result"]?["token"]?.stringValue)
    #expect(code(try zoe.request("auth \(invitation)")) == -32011)
    #expect(try zoe.request("auth \(own)")["result"]?["member"] == .string("zoe"))
    #expect(server.stop() == 0)
  }

  /// A second attack (after the first list was fixed): four connections holding one invitation
  /// sent `token rotate` at once, and all four got a token (the last one won). A rotation now
  /// publishes only while the credential it was asked with is still the person's.
  @Test func oneCredentialRotatesOnceHoweverManyConnectionsAsk() throws {
    let (root, _) = try Self.twoWorkspaces()
    let invited = try mlw(["lead", "member", "add", "zoe", "--role", "annotator", "--json"], root: root, as: "ana", workspace: "demo")
    let invitation = try #require(invited.json?["invitation"]?.stringValue)
    let server = try ServerProcess(root: root)
    let clients = try (0..<4).map { _ in try LineClient(port: server.port) }
    for client in clients { #expect(try client.request("auth \(invitation)")["result"]?["invitation"] == .bool(true)) }
    for client in clients { try client.send("token rotate") }
    let answers = try clients.map { client in try JSONValue.parse(Array(try #require(try client.readLine()).utf8)) }
    let tokens = answers.compactMap { $0["result"]?["token"]?.stringValue }
    #expect(tokens.count == 1, "\(answers)")
    for answer in answers where answer["result"] == nil { #expect(code(answer) == -32006 || code(answer) == -32010, "\(answer)") }
    // The one token handed out is the one that works.
    let zoe = try LineClient(port: server.port)
    #expect(try zoe.request("auth \(try #require(tokens.first))")["result"]?["member"] == .string("zoe"))
    #expect(code(try zoe.request("annotator mine -w demo")) != -32010)
    #expect(server.stop() == 0)
  }

  /// The same attack's other findings: labels imported into a dataset that does not exist, import
  /// ids that are not ids (counted as completed, or shown raw by fsck), and file names the
  /// server took as they came (a trailing '/', control characters, an option, 300 bytes, a hard
  /// link to a file elsewhere), and the server's own folder shown to members.
  @Test func importsAndFileNamesAreCheckedWhole() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let inputs = makeTemporaryFolder("mlw-inputs")
    for step in [["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bad=not fine"]] {
      #expect(try mlw(step, root: root, as: "mia", workspace: "demo").status == 0)
    }
    try put("item,annotator,label\nx1,kim,ok\n", inputs + "/labels.csv")
    let before = try snapshot(root)
    let nowhere = try mlw(["manager", "labels", "import", "nosuch", inputs + "/labels.csv"], root: root, as: "mia", workspace: "demo")
    #expect(nowhere.status == 4 && nowhere.stderr.contains("nosuch"), "\(nowhere.stderr)")
    #expect(try snapshot(root) == before)

    // A label whose import id is not an id is damage, for readers and fsck alike, and fsck
    // prints no control character of it.
    try put("{\"id\":\"x1\",\"n\":1}\n{\"id\":\"x2\",\"n\":2}\n", inputs + "/items.jsonl")
    #expect(try mlw(["manager", "dataset", "import", "d", inputs + "/items.jsonl"], root: root, as: "mia", workspace: "demo").status == 0)
    #expect(try mlw(["manager", "labels", "import", "d", inputs + "/labels.csv"], root: root, as: "mia", workspace: "demo").status == 0)
    let log = root + "/demo/labels/d/kim.jsonl"
    let text = try String(contentsOfFile: log, encoding: .utf8)
    let id = try #require(text.firstRange(of: #/"import":"(i[0-9a-f]{20})"/#).map { String(text[$0]) })
    for bad in [#""import":"i\u001b[31mred""#, #""import":7"#] {
      try put(text.replacingOccurrences(of: id, with: bad), log)
      let report = try mlw(["manager", "export", "d", "--kind", "raw"], root: root, as: "mia", workspace: "demo")
      #expect(report.status == 7, "\(bad): \(report.stdout)")
      let fsck = try mlw(["fsck", "--repair"], root: root)
      #expect(fsck.status == 1 && fsck.stdout.contains("import id is not an id") && !fsck.stdout.contains("\u{1b}"), "\(fsck.stdout)")
    }
    try put(text, log)

    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    func sendInline(_ name: String) throws -> JSONValue {
      let quoted = JSONValue.string(name).canonicalString(pretty: false)
      try ana.send(
        #"{"jsonrpc":"2.0","id":1,"method":"manager.labels.import","params":{"workspace":"demo","_":["d",{"name":"#
          + quoted + #","content":"item,annotator,label\nx2,kim,ok\n"}]}}"#)
      return try JSONValue.parse(Array(try #require(try ana.readLine()).utf8))
    }
    let rootBefore = try snapshot(root)
    for name in ["a/", "new\nline.csv", "--allow-changes", "-rf", String(repeating: "n", count: 300) + ".csv", "bell\u{7}.csv"] {
      let answer = try sendInline(name)
      #expect(code(answer) == -32005, "\(name.debugDescription): \(answer)")
      #expect((answer["error"]?["message"]?.stringValue?.count ?? 0) < 400)
    }
    #expect(try snapshot(root) == rootBefore)
    // A hard link in the files area to a file elsewhere is not read.
    let area = root + "/demo/files"
    try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
    #expect(link(root + "/.team/roster/v000001.json", area + "/roster.csv") == 0)
    let linked = try ana.request("stats agreement roster.csv -w demo")
    #expect(code(linked) == -32005 && linked["error"]?["message"]?.stringValue?.contains("hard link") == true, "\(linked)")
    // `workspaces` over the wire does not show where the server keeps its files.
    let listed = try ana.request("workspaces")
    #expect(listed["result"]?["root"]?.stringValue?.contains(root) == false, "\(listed)")
    #expect(server.stop() == 0)
  }

  @Test func clientsWithoutATokenAreBoundedAndCannotCrowdOutMembers() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root, arguments: ["--max-connections", "8", "--max-unauthenticated", "4", "--auth-timeout", "2"])
    // A batch of help calls before auth: bounded, then the connection is closed.
    let greedy = try LineClient(port: server.port)
    let helps = "[" + (0..<30).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"help"}"# }.joined(separator: ",") + "]"
    let answer = try greedy.request(helps)
    #expect((answer.arrayValue?.filter { code($0) == -32016 }.count ?? 0) >= 20, "\(String(describing: answer.arrayValue?.count))")
    #expect(try greedy.readLine() == nil)
    let big = "[" + (0..<101).map { #"{"jsonrpc":"2.0","id":\#($0),"method":"ping"}"# }.joined(separator: ",") + "]"
    let member = try LineClient(port: server.port)
    _ = try member.request("auth \(tokens["ana"]!)")
    #expect(code(try member.request(big)) == -32600)
    // Slow clients without a token: they hold at most their own share, and are closed at the
    // auth deadline even though they keep sending bytes.
    var slow: [LineClient] = []
    for _ in 0..<4 { slow.append(try LineClient(port: server.port)) }
    for client in slow { try client.send(bytes: [UInt8(ascii: "p")]) }
    // Let the server register all four (its event loops accept in parallel, so a fifth opened at
    // once could be counted before the fourth: the flake this wait removes).
    usleep(300_000)
    let refused = try LineClient(port: server.port)
    #expect(code(try JSONValue.parse(Array(try #require(try refused.readLine()).utf8))) == -32013)
    let welcome = try LineClient(port: server.port)
    _ = welcome  // a member still gets in: slots for the authenticated remain
    usleep(300_000)
    for client in slow { try client.send(bytes: [UInt8(ascii: "i")]) }
    let closed = try JSONValue.parse(Array(try #require(try slow[0].readLine()).utf8))
    #expect(code(closed) == -32010)
    #expect(server.stop() == 0)
  }

  @Test func requestsSentBeforeTheClientHalfClosesAreAnswered() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    for _ in 0..<5 {
      let client = try LineClient(port: server.port)
      // The last request has no newline: the end of the stream ends it.
      try client.send(bytes: Array("auth \(tokens["ana"]!)\nlead member list -w demo\nlead scope set --problem half -w demo\nping".utf8))
      client.shutdownWrite()
      var lines: [String] = []
      while let line = try client.readLine() { lines.append(line) }
      #expect(lines.count == 4, "\(lines)")
      #expect(lines.allSatisfy { !$0.contains("\"error\"") }, "\(lines)")
    }
    #expect(server.stop() == 0)
  }

  @Test func extremeNumbersNeverEndTheServer() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    let dump = try JSONValue.parse(Array(try run("mlw", ["--experimental-dump-help"]).stdout.utf8))
    let extremes = ["0", "-1", String(Int.max), "4611686018427387904", "46116860184273879", "1e308", "NaN", "1e999", "-9223372036854775808"]
    var tried = 0
    func walk(_ command: JSONValue, _ path: [String]) throws {
      let subcommands = command["subcommands"]?.arrayValue ?? []
      if subcommands.isEmpty, !["serve", "init", "fsck"].contains(path.first ?? ""), path != ["token", "rotate"] {
        for argument in command["arguments"]?.arrayValue ?? [] where argument["kind"] == .string("option") {
          guard let name = argument["names"]?.arrayValue?.first?["name"]?.stringValue, !["w", "root", "as"].contains(name) else { continue }
          for value in extremes {
            let line = (path + ["--" + name, value, "-w", "demo"]).joined(separator: " ")
            _ = try ana.request(line)
            tried += 1
          }
        }
      }
      for sub in subcommands { try walk(sub, path + [sub["commandName"]?.stringValue ?? "?"]) }
    }
    try walk(dump["command"] ?? .null, [])
    #expect(tried > 300)
    #expect(try ana.request("log --limit 46116860184273879 -w demo")["error"]?["code"] == .int(-32002))
    #expect(try ana.request("ping")["result"] != nil)
    #expect(server.isRunning)
    // The command line: a one-line refusal, never a trap.
    let cli = try mlw(["log", "--limit", "46116860184273879"], root: root, as: "ana", workspace: "demo")
    #expect(cli.status == 2 && cli.stderr.contains("--limit must be at most"))
    #expect(server.stop() == 0)
  }

  @Test func aRepeatedColumnNameIsRefusedNotACrash() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    let request =
      #"{"jsonrpc":"2.0","id":1,"method":"manager.dataset.import","params":{"workspace":"demo","_":["ds",{"name":"dup.csv","content":"id,a,a\nx,1,2\n"}]}}"#
    let answer = try ana.request(request)
    #expect(code(answer) == -32003, "\(answer)")
    #expect(answer["error"]?["message"]?.stringValue?.contains("the column 'a' twice") == true, "\(answer)")
    #expect(try ana.request("ping")["result"] != nil)
    for command in [["stats", "rank"], ["stats", "agreement"]] {
      let file = root + "/dup-\(command[1]).csv"
      try "model,f1,f1\nm,0.5,0.6\n".write(toFile: file, atomically: true, encoding: .utf8)
      let result = try mlw(command + [file] + (command[1] == "rank" ? ["--metric", "f1"] : []), root: root)
      #expect(result.status == 3 && result.stderr.contains("twice"), "\(command): \(result.stderr)")
    }
    #expect(server.stop() == 0)
  }

  /// Every command of the tree, in both request forms, aimed at a workspace the caller does not
  /// belong to answers exactly as it does for a workspace that does not exist: nothing of it.
  @Test func noCommandGivesAMemberAnythingOfAnotherWorkspace() throws {
    let (root, tokens) = try Self.twoWorkspaces()
    // Give `other` something to leak: a record and a member ana does not know.
    #expect(try mlw(["lead", "scope", "set", "--problem", "secret-problem-text"], root: root, as: "bob", workspace: "other").status == 0)
    let before = try snapshot(root)
    let server = try ServerProcess(root: root)
    let ana = try LineClient(port: server.port)
    _ = try ana.request("auth \(tokens["ana"]!)")
    let dump = try JSONValue.parse(Array(try run("mlw", ["--experimental-dump-help"]).stdout.utf8))
    var compared = 0
    func walk(_ command: JSONValue, _ path: [String]) throws {
      let subcommands = command["subcommands"]?.arrayValue ?? []
      if subcommands.isEmpty, !["serve", "init", "fsck", "token", "help"].contains(path.first ?? "") {
        var positionals: [String] = []
        var options: [String: JSONValue] = [:]
        var words = path
        for argument in command["arguments"]?.arrayValue ?? [] where argument["isOptional"] != .bool(true) {
          let name = argument["names"]?.arrayValue?.first?["name"]?.stringValue ?? "x"
          switch argument["kind"]?.stringValue {
          case "positional"?:
            positionals.append("d")
            words.append("d")
          case "option"?:
            options[name] = .string("1")
            words += ["--" + name, "1"]
          default: break
          }
        }
        for workspaceForm in [0, 1] {
          func ask(_ workspace: String) throws -> String {
            let answer: JSONValue
            if workspaceForm == 0 {
              answer = try ana.request((words + ["-w", workspace]).joined(separator: " "))
            } else {
              var params = options
              params["workspace"] = .string(workspace)
              if !positionals.isEmpty { params["_"] = .array(positionals.map(JSONValue.string)) }
              let request = JSONValue.object([
                "jsonrpc": .string("2.0"), "id": .int(1), "method": .string(path.joined(separator: ".")), "params": .object(params),
              ])
              answer = try ana.request(String(decoding: request.canonicalBytes(pretty: false), as: UTF8.self))
            }
            // The id of a text-form request is its line number: not part of the comparison.
            var fields = answer.objectValue ?? [:]
            fields["id"] = nil
            return String(decoding: JSONValue.object(fields).canonicalBytes(pretty: false), as: UTF8.self)
          }
          let toOther = try ask("other")
          let toNobody = try ask("nosuch")
          #expect(toOther.replacingOccurrences(of: "other", with: "nosuch") == toNobody, "\(path): \(toOther) vs \(toNobody)")
          #expect(!toOther.contains("secret-problem-text") && !toOther.contains("bob"), "\(path) leaked: \(toOther)")
          compared += 1
        }
      }
      for sub in subcommands { try walk(sub, path + [sub["commandName"]?.stringValue ?? "?"]) }
    }
    try walk(dump["command"] ?? .null, [])
    #expect(compared > 100)
    #expect(server.stop() == 0)
    #expect(try snapshot(root) == before, "a request aimed at another workspace changed the root")
  }
}
