import Foundation
import Testing

@Suite struct PlanningCommandTests {
  @Test func baselinesAndDiagnosisEndToEnd() throws {
    let root = try makeDemoRoot()
    let added = try mlw(
      ["sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "3 experts on 500 images",
       "--metric", "error=1", "--source", "internal study", "--date", "2026-11-20", "--json"], root: root, as: "sam", workspace: "demo")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.json?["version"] == .int(1) && added.json?["quality"] == .string("domain-expert"))
    let rules = try mlw(
      ["engineer", "baseline", "add", "rules", "--type", "rule-based", "--metric", "error=12", "--source", "AOI vendor rules"],
      root: root, as: "eve", workspace: "demo")
    #expect(rules.status == 0, "\(rules.stderr)")
    let listed = try mlw(["sme", "baseline", "list", "--json"], root: root, as: "sam", workspace: "demo").json
    #expect(listed?["baselines"]?.arrayValue?.count == 2)
    #expect(listed?["humanLevel"]?.arrayValue?.first?["id"] == .string("hlp"))

    let diagnosis = try mlw(["engineer", "diagnose", "--train", "8", "--dev", "10", "--json"], root: root, as: "eve", workspace: "demo").json
    #expect(diagnosis?["avoidableBias"] == .int(7) && diagnosis?["variance"] == .int(2) && diagnosis?["focus"] == .string("bias"))
    let lead = try mlw(["lead", "diagnose", "--train", "8", "--dev", "10"], root: root, as: "ana", workspace: "demo")
    #expect(lead.status == 0 && lead.stdout.contains("avoidable bias dominates"))

    let status = try mlw(["status", "--json"], root: root, workspace: "demo").json
    let planning = status?["stages"]?.arrayValue?.first
    #expect(planning?["parts"]?.arrayValue?.first { $0["path"] == .string("baselines") }?["count"] == .int(2))
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func refusalsChangeNothing() throws {
    let root = try makeDemoRoot()
    let before = try snapshot(root)
    let human = ["--type", "human-level", "--quality", "crowd", "--measured", "5 crowd workers", "--metric", "error=3", "--source", "s"]
    let cases: [([String], String, Int32, String)] = [
      (["sme", "baseline", "add", "h"] + human, "mia", 5, "needs the sme role"),
      (["engineer", "baseline", "add", "h"] + human, "eve", 3, "human-level baselines are the SME's"),
      (["sme", "baseline", "add", "h", "--type", "literature", "--metric", "f1=0.8", "--source", "paper"], "sam", 3, "an engineer records literature"),
      (["sme", "baseline", "add", "h", "--type", "human-level", "--metric", "error=3", "--source", "s"], "sam", 3, "needs --quality"),
      (["sme", "baseline", "add", "h"] + human + ["--date", "2026-13-01"], "sam", 3, "not a date"),
      (["sme", "baseline", "add", "../h"] + human, "sam", 3, "invalid baseline id"),
      (["sme", "baseline", "add", "h", "--type", "oracle", "--metric", "error=3", "--source", "s"], "sam", 3, "not one of"),
      (["sme", "baseline", "add", "h"] + human + ["--metric", "error"], "sam", 3, "not NAME=VALUE"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10"], "eve", 3, "no human-level baseline records 'error'"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10"], "ann", 5, "needs the engineer role"),
      (["engineer", "diagnose", "--train=-1", "--dev", "10"], "eve", 3, "not a non-negative number"),
    ]
    for (arguments, member, code, fragment) in cases {
      let result = try mlw(arguments, root: root, as: member, workspace: "demo")
      #expect(result.status == code, "\(arguments): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
      #expect(result.stderr.filter { $0 == "\n" }.count == 1)
      #expect(try snapshot(root) == before, "\(arguments) changed stored files")
    }
  }
}
