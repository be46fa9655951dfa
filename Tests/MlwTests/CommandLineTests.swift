import Foundation
import Lifecycle
import Testing
import VersionedStore

@Suite struct CommandLineTests {
  @Test func membersAndTokensEndToEnd() throws {
    let root = try makeDemoRoot()
    let list = try mlw(["lead", "member", "list", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(list.status == 0)
    let names = list.json?["members"]?.arrayValue?.compactMap { $0["name"]?.stringValue }
    #expect(names == ["ana", "ann", "eve", "mia", "sam"])

    let added = try mlw(["lead", "member", "add", "zoe", "--role", "annotator", "--role", "sme", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(added.status == 0)
    // The lead gets an invitation, good only to exchange; zoe's own token is one nobody saw.
    let invitation = try #require(added.json?["invitation"]?.stringValue)
    #expect(invitation.hasPrefix("mlw_") && invitation.count == 68)
    #expect(added.json?["token"] == nil)
    let redeemed = try mlw(["token", "rotate", "--json"], root: root, as: "zoe")
    let token = try #require(redeemed.json?["token"]?.stringValue)
    #expect(token.hasPrefix("mlw_") && token.count == 68 && token != invitation)
    #expect(added.json?["roles"] == .array([.string("sme"), .string("annotator")]))
    // The token is stored nowhere; its hash is in the roster.
    for (relative, _) in try snapshot(root) {
      let text = try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
      #expect(!text.contains(token) && !text.contains(invitation))
    }
    let roster = try String(contentsOfFile: root + "/.team/roster/v000007.json", encoding: .utf8)
    #expect(roster.contains(ContentHash.of(Array(token.utf8))))

    // Adding zoe to a second workspace issues no new token.
    #expect(try mlw(["init", "other", "--lead", "ana"], root: root).status == 0)
    let again = try mlw(["lead", "member", "add", "zoe", "--role", "engineer", "--json"], root: root, as: "ana", workspace: "other")
    #expect(again.status == 0 && again.json?["token"] == nil && again.json?["invitation"] == nil)
    // No lead can rotate someone else's token any more.
    #expect(try mlw(["lead", "member", "rotate-token", "zoe"], root: root, as: "ana", workspace: "demo").status == 2)
    let rotated = try mlw(["token", "rotate", "--json"], root: root, as: "zoe")
    let newToken = try #require(rotated.json?["token"]?.stringValue)
    #expect(newToken != token)

    #expect(try mlw(["lead", "member", "grant", "zoe", "--role", "engineer"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "member", "revoke", "zoe", "--role", "sme"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "member", "remove", "zoe"], root: root, as: "ana", workspace: "demo").status == 0)
    let final = try mlw(["show", "workspace", "--json"], root: root, workspace: "demo").json
    #expect(final?["body"]?["members"]?["zoe"] == nil)
    #expect(final?["version"] == .int(9))
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func statusLogShowDiffAndRevert() throws {
    let root = try makeDemoRoot()
    let status = try mlw(["status", "--json"], root: root, workspace: "demo")
    #expect(status.status == 0, "\(status.stderr)")
    let json = try #require(status.json)
    #expect(json["workspace"] == .string("demo"))
    #expect(json["roles"]?["manager"] == .array([.string("mia")]))
    #expect(json["stages"]?.arrayValue?.map { $0["name"]?.stringValue } == ["planning", "data", "training", "deployment"])
    #expect(json["recent"]?.arrayValue?.first?["message"] == .string("add eve as engineer"))
    #expect(json["next"]?.arrayValue?.first?.stringValue?.hasPrefix("planning: the lead writes the scope") == true)
    let text = try mlw(["status"], root: root, as: "ann", workspace: "demo")
    #expect(text.status == 0 && text.stdout.contains("planning") && text.stdout.contains("next:"))

    let log = try mlw(["log", "--json"], root: root, workspace: "demo").json?["changes"]?.arrayValue
    #expect(log?.count == 5)
    #expect(log?.last?["message"] == .string("create workspace"))
    let history = try mlw(["log", "workspace", "--limit", "2", "--json"], root: root, workspace: "demo").json?["changes"]?.arrayValue
    #expect(history?.map { $0["version"] } == [.int(5), .int(4)])

    let shown = try mlw(["show", "workspace", "--version", "2", "--json"], root: root, workspace: "demo").json
    #expect(shown?["version"] == .int(2) && shown?["latestVersion"] == .int(5) && shown?["author"] == .string("ana"))

    let diff = try mlw(["diff", "workspace", "1", "3", "--json"], root: root, workspace: "demo").json
    #expect(diff?["changes"]?.arrayValue?.compactMap { $0["path"]?.stringValue } == ["members.mia", "members.sam"])

    let reverted = try mlw(["revert", "workspace", "--to", "1", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(reverted.status == 0, "\(reverted.stderr)")
    #expect(reverted.json?["version"] == .int(6))
    let members = try mlw(["show", "workspace", "--json"], root: root, workspace: "demo").json?["body"]?["members"]?.objectValue
    #expect(members?.keys.sorted() == ["ana"])
    #expect(try mlw(["fsck"], root: root).status == 0)
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func workspacesListsEveryWorkspace() throws {
    let root = try makeDemoRoot()
    #expect(try mlw(["init", "b-project", "--lead", "sam"], root: root).status == 0)
    let listed = try mlw(["workspaces", "--json"], root: root).json?["workspaces"]?.arrayValue
    #expect(listed?.compactMap { $0["name"]?.stringValue } == ["b-project", "demo"])
    #expect(listed?.last?["members"] == .int(5))
  }

  /// Every refusal: one line on stderr, the documented exit code, and not one stored byte changed.
  @Test func badInputIsRefusedWithOneLineAndChangesNothing() throws {
    let root = try makeDemoRoot()
    let before = try snapshot(root)
    let long = String(repeating: "x", count: 200)
    let cases: [([String], String?, Int32, String)] = [
      (["init", "../x", "--lead", "ana"], nil, 3, "invalid workspace name"),
      (["init", "A", "--lead", "ana"], nil, 3, "must start with a lower-case"),
      (["init", "", "--lead", "ana"], nil, 3, "it is empty"),
      (["init", long, "--lead", "ana"], nil, 3, "200 characters"),
      (["init", "demo", "--lead", "ana"], nil, 6, "exists already"),
      (["init", "ok", "--lead", "../ana"], nil, 3, "invalid member name"),
      (["show", "workspace", "--workspace", "../demo"], nil, 3, "invalid workspace name"),
      (["show", "workspace", "--workspace", "nope"], nil, 4, "no workspace 'nope'"),
      (["show", "../../etc/passwd", "--workspace", "demo"], nil, 3, "invalid record path"),
      (["show", "scope", "--workspace", "demo"], nil, 4, "record scope not found"),
      (["show", "workspace", "--version", "99", "--workspace", "demo"], nil, 4, "has no version 99"),
      (["show", "workspace", "--workspace", "demo"], "zed", 4, "no workspace 'demo' that zed belongs to; zed belongs to none"),
      (["status", "--workspace", "demo"], "Zed", 3, "invalid member name"),
      (["lead", "member", "add", "carl", "--role", "sme", "--workspace", "demo"], "sam", 5, "needs the lead role"),
      (["lead", "member", "add", "carl", "--role", "sme", "--workspace", "demo"], nil, 5, "no identity"),
      (["lead", "member", "add", "../evil", "--role", "sme", "--workspace", "demo"], "ana", 3, "invalid member name"),
      (["lead", "member", "add", "carl", "--role", "wizard", "--workspace", "demo"], "ana", 2, "The value 'wizard' is invalid for '--role <role>'"),
      (["lead", "member", "grant", "sam", "--role", "boss", "--workspace", "demo"], "ana", 2, "Please provide one of 'lead', 'sme', 'manager'"),
      (["lead", "member", "add", "carl", "--workspace", "demo"], "ana", 2, "give at least one --role"),
      (["lead", "member", "add", "sam", "--role", "sme", "--workspace", "demo"], "ana", 6, "already"),
      (["lead", "member", "grant", "nobody", "--role", "sme", "--workspace", "demo"], "ana", 4, "not a member"),
      (["lead", "member", "revoke", "ana", "--role", "lead", "--workspace", "demo"], "ana", 6, "no role"),
      (["lead", "member", "remove", "ana", "--workspace", "demo"], "ana", 6, "without a lead"),
      (
        ["lead", "member", "grant", "sam", "--role", "engineer", "--if-version", "2", "--workspace", "demo"], "ana", 6, "at version 5 now; re-read it"
      ),
      (["revert", "workspace", "--to", "1", "--workspace", "demo"], "eve", 5, "needs the lead role"),
      (["lead", "member", "list"], "ana", 3, "no workspace named"),
      (["log", "--limit", "0", "--workspace", "demo"], nil, 2, "--limit must be at least 1"),
      (["frobnicate"], nil, 2, "(see 'mlw --help')"),
      (["lead", "member", "add"], "ana", 2, "Missing expected argument"),
    ]
    for (arguments, member, code, fragment) in cases {
      let result = try mlw(arguments, root: root, as: member)
      let label = (arguments + (member.map { ["--as", $0] } ?? [])).joined(separator: " ")
      #expect(result.status == code, "\(label): exit \(result.status), stderr \(result.stderr)")
      #expect(result.stderr.hasPrefix("mlw: ") && result.stderr.filter { $0 == "\n" }.count == 1, "\(label): \(result.stderr)")
      #expect(result.stderr.contains(fragment), "\(label): \(result.stderr)")
      #expect(result.stdout.isEmpty, "\(label): \(result.stdout)")
      #expect(try snapshot(root) == before, "\(label) changed stored files")
    }
    let json = try mlw(["show", "scope", "--json"], root: root, workspace: "demo")
    #expect(json.json?["error"]?["category"] == .string("notFound"))
    #expect(json.json?["error"]?["exitCode"] == .int(4))
  }

  @Test func aCorruptVersionIsNamedAndOtherRecordsStayReadable() throws {
    let root = try makeDemoRoot()
    #expect(try mlw(["init", "other", "--lead", "ana"], root: root).status == 0)
    let file = root + "/demo/workspace/v000003.json"
    try Data("{\"kind\": \"workspace\", oops".utf8).write(to: URL(fileURLWithPath: file))
    let before = try snapshot(root)

    let show = try mlw(["show", "workspace", "--version", "3"], root: root, workspace: "demo")
    #expect(show.status == 7 && show.stderr.contains("demo/workspace/v000003.json is corrupt"))
    #expect(show.stderr.filter { $0 == "\n" }.count == 1)
    #expect(try mlw(["show", "workspace", "--version", "2"], root: root, workspace: "demo").status == 0)
    #expect(try mlw(["status"], root: root, workspace: "other").status == 0)

    let fsck = try mlw(["fsck", "--repair", "--json"], root: root)
    #expect(fsck.status == 1)
    let findings = fsck.json?["findings"]?.arrayValue ?? []
    #expect(findings.contains { $0["file"]?.stringValue?.hasSuffix("demo/workspace/v000003.json") == true && $0["severity"] == .string("corrupt") })
    #expect(try snapshot(root) == before, "repair touched a corrupt file")
  }

  @Test func aNewerSchemaVersionIsRefusedNamingTheFile() throws {
    let root = try makeDemoRoot()
    let latest = root + "/demo/workspace/v000005.json"
    let text = try String(contentsOfFile: latest, encoding: .utf8)
    try text.replacingOccurrences(of: "\"schemaVersion\": 1", with: "\"schemaVersion\": 2")
      .write(toFile: latest, atomically: false, encoding: .utf8)
    let before = try snapshot(root)
    for arguments in [["status"], ["show", "workspace"], ["lead", "member", "grant", "sam", "--role", "engineer"]] {
      let result = try mlw(arguments, root: root, as: "ana", workspace: "demo")
      #expect(result.status == 7, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains("v000005.json is a workspace of schema version 2, newer than this mlw knows (1)"))
    }
    #expect(try snapshot(root) == before)
  }

  @Test func theShippedExampleWorkspaceIsValid() throws {
    let shipped = Products.packageRoot + "/Workspaces"
    let names = try mlw(["workspaces", "--json"], root: shipped).json?["workspaces"]?.arrayValue ?? []
    #expect(!names.isEmpty)
    let fsck = try mlw(["fsck", "--json"], root: shipped)
    #expect(fsck.status == 0, "\(fsck.stdout)")
    let validation = try validateSchemas([shipped])
    #expect(validation.status == 0, "\(validation.stdout)")
    for entry in names {
      let name = try #require(entry["name"]?.stringValue)
      let status = try mlw(["status", "--json"], root: shipped, workspace: name).json
      for role in ["lead", "sme", "manager", "annotator", "engineer"] {
        #expect(status?["roles"]?[role]?.arrayValue?.isEmpty == false, "\(name) has no \(role)")
      }
    }
  }

  /// Every kind mlw stores, written by the commands that write it, validated against its schema
  /// (the validator names the kinds it checked: each of mlw's must be among them).
  @Test func everyStoredKindIsWrittenAndValidatesAgainstItsSchema() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-kinds")
    try Data("id,image\nj1,a.png\nj2,b.png\nj3,c.png\n".utf8).write(to: URL(fileURLWithPath: inputs + "/items.csv"))
    try Data("item,label\nj1,ok\n".utf8).write(to: URL(fileURLWithPath: inputs + "/gold.csv"))
    try Data("item,annotator,label\nj2,ext1,ok\nj2,ext2,void\n".utf8).write(to: URL(fileURLWithPath: inputs + "/labels.csv"))
    try Data("item,prediction,truth,side,proba[ok],proba[void]\nj1,ok,ok,top,0.9,0.1\nj2,void,ok,top,0.05,0.95\nj3,void,void,bottom,0.2,0.8\n".utf8)
      .write(
        to: URL(fileURLWithPath: inputs + "/predictions.csv"))
    let steps: [([String], String)] = [
      (["lead", "scope", "set", "--problem", "flag defective joints"], "ana"),
      (["lead", "feasibility", "score", "--answer", "data.acquisition=4"], "ana"),
      (["lead", "readiness", "set", "--test", "data.1=manual", "--evidence", "data.1=schema.md"], "ana"),
      (["lead", "metric-policy", "set", "--metric", "f1"], "ana"),
      (
        [
          "sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "3 experts", "--metric",
          "error=1%", "--source", "study",
        ], "sam"
      ),
      (["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "void=a hole"], "mia"),
      (["manager", "guidelines", "set", "--summary", "one label per joint", "--message", "first"], "mia"),
      (["manager", "dataset", "import", "joints", inputs + "/items.csv"], "mia"),
      (["manager", "gold", "set", "joints", inputs + "/gold.csv"], "mia"),
      (["manager", "assign", "joints", "--overlap", "1", "--gold-rate", "0"], "mia"),
      (["annotator", "guidelines", "ack"], "ann"),
      (["annotator", "submit", "j3", "ok"], "ann"),
      (["manager", "labels", "import", "joints", inputs + "/labels.csv"], "mia"),
      (["manager", "adjudicate", "joints", "j2", "ok", "--reason", "checked"], "mia"),
      (["engineer", "run", "start", "r1", "--dataset", "joints", "--split-rule", "train=0.5,dev=0.5", "--seed", "3", "--code", "abc1234"], "eve"),
      (["engineer", "run", "log", "r1", "--metric", "loss=NaN", "--metric", "f1=0.5", "--split", "dev", "--step", "1"], "eve"),
      (["engineer", "run", "artifact", "r1", inputs + "/gold.csv", "--name", "model"], "eve"),
      (["engineer", "run", "finish", "r1"], "eve"),
      (["engineer", "run", "start", "r2", "--dataset", "joints"], "eve"),
      (["engineer", "run", "evaluate", "r2", "--split", "dev", "--predictions", inputs + "/predictions.csv", "--slice", "side"], "eve"),
      (["engineer", "errors", "tag", "r2", "--split", "dev", "j2", "glare"], "eve"),
      (["engineer", "label-issues", "r2", "--split", "dev", "--send-to-review"], "eve"),
      (["engineer", "run", "finish", "r2"], "eve"),
      (["engineer", "model", "register", "joints", "--run", "r2", "--intended-use", "flag joints"], "eve"),
      (["engineer", "model", "alias", "joints@1", "champion"], "eve"),
      (["lead", "gate", "set", "--split", "dev"], "ana"),
      (["sme", "signoff", "approve", "joints@1", "--reason", "meets the policy"], "sam"),
      (["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch", "--env", "region=eu"], "eve"),
      (["sme", "deployment", "check", "line-3", "consent", "--status", "done", "--note", "our own boards"], "sam"),
      (["sme", "goal", "set", "--business", "fewer escapes", "--kpi", "escapes", "--target", "below 0.5", "--by", "2027-06-30"], "sam"),
      (["engineer", "monitor", "reference", "line-3", inputs + "/reference.csv"], "eve"),
      (["engineer", "monitor", "window", "line-3", "--name", "w1", inputs + "/window.csv"], "eve"),
      (["engineer", "monitor", "truth", "line-3", "--window", "w1", inputs + "/truth.csv"], "eve"),
      (["sme", "monitor", "ack", "line-3", "new-values@w1", "--reason", "a new supplier"], "sam"),
      (["sme", "kpi", "log", "line-3", "--value", "0.4"], "sam"),
    ]
    try Data(("x,c\n" + (1...40).map { "\($0),\($0 % 2 == 0 ? "a" : "b")\n" }.joined()).utf8)
      .write(to: URL(fileURLWithPath: inputs + "/reference.csv"))
    try Data(("id,x,c,prediction\n" + (1...40).map { "w\($0),\($0),\($0 % 3 == 0 ? "z" : "a"),ok\n" }.joined()).utf8)
      .write(to: URL(fileURLWithPath: inputs + "/window.csv"))
    try Data(("id,truth\n" + (1...40).map { "w\($0),\($0 % 4 == 0 ? "void" : "ok")\n" }.joined()).utf8)
      .write(to: URL(fileURLWithPath: inputs + "/truth.csv"))
    for (words, who) in steps {
      let result = try mlw(words, root: root, as: who, workspace: "demo")
      #expect(result.status == 0, "\(words): \(result.stderr)")
    }
    let validated = try validateSchemas([root])
    #expect(validated.status == 0, "\(validated.stdout)")
    let line = validated.stdout.split(separator: "\n").last { $0.hasPrefix("kinds validated: ") } ?? ""
    let seen = Set(line.dropFirst("kinds validated: ".count).split(separator: ",").map(String.init))
    for kind in try mlwKinds() {
      #expect(seen.contains(kind), "no \(kind) record was written and validated (\(line))")
      #expect(FileManager.default.fileExists(atPath: Products.packageRoot + "/schemas/kinds/\(kind).schema.json"), "no schema for \(kind)")
    }
  }
}

private func mlwKinds() throws -> [String] {
  Array(RecordKinds.documents.keys) + Array(RecordKinds.logs.keys)
}
