import Foundation
import Lifecycle
import Testing
import VersionedStore

/// What a person at a terminal meets first: the version, a typo, a busy port, a conflict, a long
/// value, the status legend, and shell completion of the names the root holds.
@Suite struct CommandLineHabitsTests {
  @Test func versionAndTheNearestCommandForATypo() throws {
    let version = try run("mlw", ["--version"])
    #expect(version.status == 0 && version.stdout.hasPrefix("mlw ") && version.stdout.contains("."))

    let root = try makeDemoRoot()
    // Before: "Unknown option '--as'", about an option that is fine.
    let typo = try mlw(["lead", "scope", "sett"], root: root, as: "ana", workspace: "demo")
    #expect(typo.status == 2)
    #expect(typo.stderr.contains("'sett' is not a command of 'mlw lead scope'; did you mean 'mlw lead scope set'?"), "\(typo.stderr)")
    let swapped = try mlw(["manger", "progress"], root: root, as: "mia", workspace: "demo")
    #expect(swapped.status == 2 && swapped.stderr.contains("did you mean 'mlw manager'?"), "\(swapped.stderr)")
    let nothingNear = try mlw(["lead", "zzzzzz"], root: root, as: "ana", workspace: "demo")
    #expect(nothingNear.status == 2 && nothingNear.stderr.contains("its commands are member, scope"), "\(nothingNear.stderr)")
    // A leaf's own mistakes keep the parser's message.
    let badOption = try mlw(["lead", "scope", "show", "--bogus"], root: root, as: "ana", workspace: "demo")
    #expect(badOption.status == 2 && badOption.stderr.contains("--bogus"))
  }

  @Test func aBusyPortIsAnIOErrorThatSaysWhatToDo() throws {
    let root = try makeDemoRoot()
    let server = try ServerProcess(root: root)
    let second = try run("mlw", ["serve", "--root", root, "--port", String(server.port)])
    #expect(second.status == 8, "\(second.stderr)")
    #expect(second.stderr.contains("port is in use; pass --port") && second.stderr.split(separator: "\n").count == 1)
    #expect(server.stop() == 0)
  }

  @Test func aConflictNamesTheVersionToBuildOn() throws {
    let root = try makeDemoRoot()
    // The workspace record moves on twice after the caller read version 5.
    let read = try #require(try mlw(["show", "workspace", "--json"], root: root, workspace: "demo").json?["version"]?.intValue)
    #expect(try mlw(["lead", "member", "grant", "sam", "--role", "engineer"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "member", "grant", "mia", "--role", "engineer"], root: root, as: "ana", workspace: "demo").status == 0)
    let late = try mlw(
      ["lead", "member", "grant", "ann", "--role", "engineer", "--if-version", String(read)], root: root, as: "ana", workspace: "demo")
    #expect(late.status == 6)
    // Before: "--if-version \(read + 1)", which conflicts again.
    #expect(late.stderr.contains("it is at version \(read + 2) now") && late.stderr.contains("(--if-version \(read + 2))"), "\(late.stderr)")
    let retried = try mlw(
      ["lead", "member", "grant", "ann", "--role", "engineer", "--if-version", String(read + 2)], root: root, as: "ana", workspace: "demo")
    #expect(retried.status == 0, "\(retried.stderr)")
  }

  @Test func diffPrintsWholeValuesWithFull() throws {
    let root = try makeDemoRoot()
    let problem = String(repeating: "flag every solder joint that would fail in the field ", count: 3)
    #expect(try mlw(["lead", "scope", "set", "--problem", "short"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "scope", "set", "--problem", problem], root: root, as: "ana", workspace: "demo").status == 0)
    let cut = try mlw(["diff", "scope", "1", "2"], root: root, as: "ana", workspace: "demo")
    #expect(cut.status == 0 && !cut.stdout.contains(problem) && cut.stdout.contains("--full prints them whole"))
    let full = try mlw(["diff", "scope", "1", "2", "--full"], root: root, as: "ana", workspace: "demo")
    #expect(full.status == 0 && full.stdout.contains("new: \"\(problem)\""), "\(full.stdout)")
    #expect(full.stdout.contains("old: \"short\""))
    // JSON always holds whole values, with or without --full.
    let json = try mlw(["diff", "scope", "1", "2", "--json"], root: root, as: "ana", workspace: "demo").json
    let change = json?["changes"]?.arrayValue?.first { $0["path"]?.stringValue == "problem" }
    #expect(change?["new"]?.stringValue == problem && json?["full"] == nil)
  }

  @Test func theStatusLegendComesWithAParenthesisedName() throws {
    let root = try makeDemoRoot()
    let bare = try mlw(["status"], root: root, as: "ana", workspace: "demo").stdout
    #expect(bare.contains("(scope)") && bare.contains("(a name in parentheses is not written yet)"))
    let example = try mlw(["status"], root: Products.packageRoot + "/Workspaces", as: "ana", workspace: "pcb-defects")
    #expect(example.status == 0, "\(example.stderr)")
    // Every record of the example is written: no name in parentheses, so no legend.
    #expect(!example.stdout.contains("(a name in parentheses"), "\(example.stdout)")
  }

  @Test func completionOffersTheRootsNames() throws {
    let root = try makeDemoRoot()
    #expect(try mlw(["init", "other", "--lead", "ana"], root: root).status == 0)
    let items = NSTemporaryDirectory() + "completion-items-\(UUID().uuidString).csv"
    try Data("id,x\na,1\n".utf8).write(to: URL(fileURLWithPath: items))
    for name in ["joints", "boards"] {
      #expect(try mlw(["manager", "dataset", "import", name, items], root: root, as: "mia", workspace: "demo").status == 0)
    }
    let script = try run("mlw", ["--generate-completion-script", "bash"])
    #expect(script.status == 0 && script.stdout.contains("---completion manager export -- positional@0"))
    // What the script runs when completing `mlw manager export <TAB> --root R -w demo`.
    let datasets = try run(
      "mlw", ["---completion", "manager", "export", "--", "positional@0", "3", "0", "mlw", "manager", "export", "", "--root", root, "-w", "demo"])
    #expect(datasets.stdout.split(separator: "\n") == ["boards", "joints"], "\(datasets.stdout) \(datasets.stderr)")
    let workspaces = try run("mlw", ["---completion", "status", "--", "--workspace", "4", "0", "mlw", "status", "--root", root, "--workspace", ""])
    #expect(workspaces.stdout.split(separator: "\n") == ["demo", "other"], "\(workspaces.stdout)")
    let members = try run("mlw", ["---completion", "status", "--", "--as", "5", "1", "mlw", "status", "--root", root, "-w", "demo", "--as", "m"])
    #expect(members.stdout.split(separator: "\n") == ["mia"], "\(members.stdout)")
  }

  @Test func aFigureIsADecimalNumberAndANegativeOneIsRefusedAsAFigure() throws {
    let root = try makeDemoRoot()
    let diagnose = ["lead", "diagnose", "--dev", "0.1", "--human", "0.01", "--train"]
    let negative = try mlw(diagnose + ["-0.1"], root: root, as: "ana", workspace: "demo")
    #expect(negative.status == 3 && negative.stderr.contains("--train: -0.1 is negative"), "\(negative.stderr)")
    for odd in ["0x1p-3", "nan", "inf", "1e", "."] {
      let refused = try mlw(diagnose + [odd], root: root, as: "ana", workspace: "demo")
      #expect(refused.status == 3 && refused.stderr.contains("is not a number like 0.08 or 8%"), "\(odd): \(refused.stderr)")
    }
    for plain in [".08", "8e-2", "+0.08"] {
      let accepted = try mlw(diagnose + [plain, "--json"], root: root, as: "ana", workspace: "demo")
      #expect(accepted.status == 0 && accepted.json?["trainError"]?.doubleValue == 0.08, "\(plain): \(accepted.stderr)")
    }
  }

  @Test func noMetricPolicyIsNotFound() throws {
    let root = try makeDemoRoot()
    let shown = try mlw(["lead", "metric-policy", "show"], root: root, as: "ana", workspace: "demo")
    #expect(shown.status == 4 && shown.stderr.contains("mlw lead metric-policy set"), "\(shown.stderr)")
  }
}
