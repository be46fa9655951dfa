import Foundation
import Testing

@Suite struct PlanningCommandTests {
  @Test func baselinesAndDiagnosisEndToEnd() throws {
    let root = try makeDemoRoot()
    let added = try mlw(
      [
        "sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "3 experts on 500 images",
        "--metric", "error=1%", "--source", "internal study", "--date", "2026-11-20", "--json",
      ], root: root, as: "sam", workspace: "demo")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(added.json?["version"] == .int(1) && added.json?["quality"] == .string("domain-expert"))
    let rules = try mlw(
      ["engineer", "baseline", "add", "rules", "--type", "rule-based", "--metric", "error=0.12", "--source", "AOI vendor rules"],
      root: root, as: "eve", workspace: "demo")
    #expect(rules.status == 0, "\(rules.stderr)")
    let listed = try mlw(["sme", "baseline", "list", "--json"], root: root, as: "sam", workspace: "demo").json
    #expect(listed?["baselines"]?.arrayValue?.count == 2)
    #expect(listed?["humanLevel"]?.arrayValue?.first?["id"] == .string("hlp"))
    #expect(listed?["best"]?.arrayValue?.first?["id"] == .string("hlp"))  // 1% beats 0.12: one unit when comparing
    #expect(listed?["baselines"]?.arrayValue?.first?["units"] == .object(["error": .string("percent")]))
    let text = try mlw(["sme", "baseline", "list"], root: root, as: "sam", workspace: "demo").stdout
    #expect(text.contains("error=1%") && text.contains("error=0.12"), "\(text)")

    let diagnosis = try mlw(["engineer", "diagnose", "--train", "8", "--dev", "10", "--json"], root: root, as: "eve", workspace: "demo").json
    #expect(diagnosis?["avoidableBias"] == .int(7) && diagnosis?["variance"] == .int(2) && diagnosis?["focus"] == .string("bias"))
    let lead = try mlw(["lead", "diagnose", "--train", "8", "--dev", "10"], root: root, as: "ana", workspace: "demo")
    #expect(lead.status == 0 && lead.stdout.contains("avoidable bias dominates") && lead.stdout.contains("ERROR (%)"))
    // The same in fractions, 8% and 0.08 alike: converted into the baseline's percent, and said so.
    for (figures, bias, unit) in [
      (["--train", "0.08", "--dev", "0.1", "--unit", "fraction"], 0.07, "fraction"), (["--train", "8%", "--dev", "10"], 7, "percent"),
    ] {
      let d = try mlw(["lead", "diagnose", "--json"] + figures, root: root, as: "ana", workspace: "demo")
      #expect(d.status == 0, "\(figures): \(d.stderr)")
      #expect(d.json?["avoidableBias"]?.doubleValue.map { abs($0 - bias) < 1e-12 } == true, "\(figures): \(String(describing: d.json))")
      #expect(d.json?["unit"] == .string(unit))
    }
    let accuracy = try mlw(
      ["lead", "diagnose", "--metric", "accuracy", "--train", "92%", "--dev", "90%", "--json"], root: root, as: "ana", workspace: "demo")
    #expect(accuracy.json?["avoidableBias"] == .int(7) && accuracy.json?["humanError"] == .int(1), "\(accuracy.stderr)")
    #expect(accuracy.json?["notes"]?.arrayValue?.first?.stringValue?.contains("records error, not accuracy") == true)
    let assumed = try mlw(
      ["lead", "diagnose", "--metric", "widgets", "--train", "0.9", "--dev", "0.8", "--human", "0.95"], root: root, as: "ana", workspace: "demo")
    #expect(assumed.status == 0 && assumed.stdout.contains("'widgets': higher is better, assumed"), "\(assumed.stdout)")

    let status = try mlw(["status", "--json"], root: root, workspace: "demo").json
    let planning = status?["stages"]?.arrayValue?.first
    #expect(planning?["parts"]?.arrayValue?.first { $0["path"] == .string("baselines") }?["count"] == .int(2))
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func baselineAndDiagnosisRefusalsChangeNothing() throws {
    let root = try makeDemoRoot()
    let before = try snapshot(root)
    let human = ["--type", "human-level", "--quality", "crowd", "--measured", "5 crowd workers", "--metric", "error=3%", "--source", "s"]
    let cases: [([String], String, Int32, String)] = [
      (["sme", "baseline", "add", "h"] + human, "mia", 5, "needs the sme role"),
      (["engineer", "baseline", "add", "h"] + human, "eve", 3, "human-level baselines are the SME's"),
      (
        ["sme", "baseline", "add", "h", "--type", "literature", "--metric", "f1=0.8", "--source", "paper"], "sam", 3, "an engineer records literature"
      ),
      (["sme", "baseline", "add", "h", "--type", "human-level", "--metric", "error=3", "--source", "s"], "sam", 3, "needs --quality"),
      (["sme", "baseline", "add", "h"] + human + ["--date", "2026-13-01"], "sam", 3, "not a date"),
      (["sme", "baseline", "add", "../h"] + human, "sam", 3, "invalid baseline id"),
      (
        ["sme", "baseline", "add", "h", "--type", "oracle", "--metric", "error=3", "--source", "s"], "sam", 2,
        "'oracle' is invalid for '--type <type>'"
      ),
      (
        ["sme", "baseline", "add", "h", "--type", "human-level", "--quality", "guru"] + human.dropFirst(4), "sam", 2,
        "'guru' is invalid for '--quality"
      ),
      (["sme", "baseline", "add", "h"] + human + ["--metric", "error"], "sam", 3, "not NAME=VALUE"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10"], "eve", 3, "no human-level baseline records 'error'"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10"], "ann", 5, "needs the engineer role"),
      (["engineer", "diagnose", "--train=-1", "--dev", "10", "--human", "1"], "eve", 3, "is negative"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10", "--human", "0.01"], "eve", 3, "8 is above 1, so it is not a fraction"),
      (["engineer", "diagnose", "--train", "8%", "--dev", "0.1", "--human", "1%"], "eve", 3, "some are written as percentages and some as bare"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10", "--human", "1", "--baseline", "b"], "eve", 2, "--human or --baseline"),
      (["engineer", "diagnose", "--train", "8", "--dev", "10", "--unit", "permille"], "eve", 2, "--unit"),
      (["engineer", "diagnose", "--metric", "log_loss", "--train", "8%", "--dev", "10", "--human", "1"], "eve", 3, "a percentage is for a rate"),
      (["sme", "baseline", "add", "h"] + human.dropLast(4) + ["--metric", "error=3", "--source", "s"], "sam", 3, "write error=3% for a percentage"),
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

@Suite struct MetricPolicyCommandTests {
  @Test func policyIsVersionedAndRanksTheDomainTable() throws {
    let root = try makeDemoRoot()
    let table = root + "/../results-\(UUID().uuidString).csv"
    try
      "model,precision,recall,recall[defect],accuracy,accuracy[region=eu],accuracy[region=us]\nmodel 1,0.9,0.5,0.9,0.9,0.9,0.9\nmodel 2,0.8,0.7,0.85,0.9,0.89,0.91\nmodel 3,0.7,0.9,0.75,0.9,0.8,0.95\n"
      .write(toFile: table, atomically: true, encoding: .utf8)
    let average = try mlw(
      ["lead", "metric-policy", "set", "--average", "precision,recall", "--candidates", "precision,recall"], root: root, as: "ana", workspace: "demo")
    #expect(average.status == 0, "\(average.stderr)")
    let first = try mlw(["sme", "metric-policy", "rank", table, "--json"], root: root, as: "sam", workspace: "demo").json
    #expect(first?["models"]?.arrayValue?.first?["model"] == .string("model 3"))
    #expect(first?["models"]?.arrayValue?.first?["score"]?.doubleValue.map { abs($0 - 0.8) < 1e-12 } == true)

    let bar = try mlw(
      ["sme", "metric-policy", "set", "--optimize", "precision", "--require", "recall>0.6", "--message", "SME: recall bar"], root: root, as: "sam",
      workspace: "demo")
    #expect(bar.status == 0, "\(bar.stderr)")
    let second =
      try mlw(["lead", "metric-policy", "rank", table, "--json"], root: root, as: "ana", workspace: "demo").json?["models"]?.arrayValue ?? []
    #expect(second.map { $0["model"]?.stringValue } == ["model 2", "model 3", "model 1"])
    #expect(second.map { $0["score"]?.doubleValue } == [0.8, 0.7, 0])

    let slices = try mlw(
      ["lead", "metric-policy", "set", "--metric", "precision", "--slice-bar", "recall[defect]>=0.8", "--slice-bar", "accuracy[region]~0.02"],
      root: root, as: "ana", workspace: "demo")
    #expect(slices.status == 0, "\(slices.stderr)")
    let third =
      try mlw(["lead", "metric-policy", "rank", table, "--json"], root: root, as: "ana", workspace: "demo").json?["models"]?.arrayValue ?? []
    #expect(third.map { $0["model"]?.stringValue } == ["model 1", "model 2", "model 3"])
    #expect(third.map { $0["eligible"] } == [.bool(true), .bool(true), .bool(false)])
    #expect(third.last?["failed"]?.arrayValue?.count == 3)  // recall[defect], eu and us gaps

    let history = try mlw(["log", "metric-policy", "--json"], root: root, workspace: "demo").json?["changes"]?.arrayValue ?? []
    #expect(history.map { $0["author"]?.stringValue } == ["ana", "sam", "ana"])
    #expect(history[1]["message"] == .string("SME: recall bar"))
    #expect(try validateSchemas([root]).status == 0)
  }

  /// `metric-policy set` dropped the candidates and slice bars set before: they are kept unless
  /// given again or cleared, and the output says what was kept.
  @Test func aNewRuleKeepsTheCandidatesAndSliceBars() throws {
    let root = try makeDemoRoot()
    func set(_ arguments: [String], as member: String = "ana") throws -> RunResult {
      try mlw(["lead", "metric-policy", "set"] + arguments + ["--json"], root: root, as: member, workspace: "demo")
    }
    #expect(try set(["--metric", "precision", "--candidates", "precision,recall", "--slice-bar", "recall[defect]>=0.8"]).status == 0)
    let second = try set(["--metric", "recall"])
    #expect(second.status == 0, "\(second.stderr)")
    #expect(second.json?["kept"] == .array([.string("candidates"), .string("slice bars")]))
    #expect(second.json?["policy"]?["candidates"] == .array([.string("precision"), .string("recall")]))
    #expect(second.json?["policy"]?["sliceBars"]?.arrayValue?.count == 1)
    let text = try mlw(["lead", "metric-policy", "set", "--metric", "precision"], root: root, as: "ana", workspace: "demo").stdout
    #expect(text.contains("kept from v2: candidates, slice bars"), "\(text)")
    // A rule outside the kept candidates is refused, and changes nothing.
    let before = try snapshot(root)
    let outside = try set(["--metric", "f1"])
    #expect(outside.status == 3 && outside.stderr.contains("not among the candidates (precision, recall)"), "\(outside.stderr)")
    #expect(try snapshot(root) == before)
    let replaced = try set(["--metric", "f1", "--candidates", "f1,recall", "--slice-bar", "recall[defect]>=0.9"])
    #expect(replaced.json?["kept"] == .array([]) && replaced.json?["policy"]?["candidates"] == .array([.string("f1"), .string("recall")]))
    let cleared = try set(["--metric", "f1", "--no-candidates", "--no-slice-bars"])
    #expect(cleared.json?["policy"]?["candidates"] == .array([]) && cleared.json?["policy"]?["sliceBars"] == .array([]))
    #expect(try set(["--metric", "f1", "--no-candidates", "--candidates", "f1"]).status == 2)
    #expect(try validateSchemas([root]).status == 0)
  }

  /// `metric-policy set --metric error` stored "maximise error": the policy now keeps each
  /// metric's direction (given ones stored) and ranks by it.
  @Test func aPolicyKeepsItsDirections() throws {
    let root = try makeDemoRoot()
    let table = root + "/../results-\(UUID().uuidString).csv"
    try "model,acc,latency_ms,error,widgets\nslow,0.9,300,0.10,3\nfast,0.9,20,0.30,1\nmid,0.8,100,0.20,2\n"
      .write(toFile: table, atomically: true, encoding: .utf8)
    func ranking() throws -> [String] {
      let result = try mlw(["lead", "metric-policy", "rank", table, "--json"], root: root, as: "ana", workspace: "demo")
      #expect(result.status == 0, "\(result.stderr)")
      return result.json?["models"]?.arrayValue?.compactMap { $0["model"]?.stringValue } ?? []
    }
    #expect(try mlw(["lead", "metric-policy", "set", "--metric", "error"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try ranking() == ["slow", "mid", "fast"])
    let shown = try mlw(["lead", "metric-policy", "show"], root: root, as: "ana", workspace: "demo")
    #expect(shown.stdout.contains("minimise error"), "\(shown.stdout)")

    let set = try mlw(["sme", "metric-policy", "set", "--average", "error,widgets:min"], root: root, as: "sam", workspace: "demo")
    #expect(set.status == 0, "\(set.stderr)")
    #expect(try ranking() == ["fast", "mid", "slow"])
    let stored = try mlw(["lead", "metric-policy", "show", "--json"], root: root, as: "ana", workspace: "demo").json
    #expect(stored?["policy"]?["rule"]?["directions"] == .object(["widgets": .string("lower")]), "\(String(describing: stored))")
    #expect(try validateSchemas([root]).status == 0)

    // A mix whose signs would be a guess changes nothing.
    let before = try snapshot(root)
    let mixed = try mlw(["lead", "metric-policy", "set", "--average", "error,widgets"], root: root, as: "ana", workspace: "demo")
    #expect(mixed.status == 3 && mixed.stderr.contains("widgets"), "\(mixed.stderr)")
    #expect(try snapshot(root) == before)
  }

  @Test func metricPolicyRefusalsChangeNothing() throws {
    let root = try makeDemoRoot()
    #expect(try mlw(["lead", "metric-policy", "set", "--metric", "f1"], root: root, as: "ana", workspace: "demo").status == 0)
    let table = root + "/../results-\(UUID().uuidString).csv"
    try "model,precision,recall\nm1,0.9,0.5\n".write(toFile: table, atomically: true, encoding: .utf8)
    let before = try snapshot(root)
    let cases: [([String], String, Int32, String)] = [
      (["lead", "metric-policy", "rank", table], "ana", 3, "the policy uses 'f1', which the table lacks"),
      (["lead", "metric-policy", "set", "--metric", "f1"], "ann", 5, "needs the lead role"),
      (["sme", "metric-policy", "set", "--metric", "f1"], "mia", 5, "needs the sme role"),
      (["lead", "metric-policy", "set", "--metric", "f1", "--average", "a,b"], "ana", 2, "exactly one"),
      (["lead", "metric-policy", "set", "--optimize", "f1", "--require", "recall=>0.6"], "ana", 3, "must be like f1"),
      (["lead", "metric-policy", "set", "--optimize", "f1", "--require", "recall>=high"], "ana", 3, "is not like"),
      (["lead", "metric-policy", "set", "--metric", "f1", "--slice-bar", "recall>=0.8"], "ana", 3, "invalid slice bar"),
      (["lead", "metric-policy", "set", "--metric", "f1", "--candidates", "precision,recall"], "ana", 3, "not among the candidates"),
      (["lead", "metric-policy", "set", "--metric", "F1"], "ana", 3, "must be like f1"),
      (["lead", "metric-policy", "set", "--metric", "f1", "--if-version", "7"], "ana", 4, "has no version 7"),
    ]
    for (arguments, member, code, fragment) in cases {
      let result = try mlw(arguments, root: root, as: member, workspace: "demo")
      #expect(result.status == code, "\(arguments): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
      #expect(try snapshot(root) == before, "\(arguments) changed stored files")
    }
    // A threshold on a metric the table lacks.
    #expect(
      try mlw(["lead", "metric-policy", "set", "--optimize", "precision", "--require", "latency<5"], root: root, as: "ana", workspace: "demo").status
        == 0)
    let missing = try mlw(["lead", "metric-policy", "rank", table], root: root, as: "ana", workspace: "demo")
    #expect(missing.status == 3 && missing.stderr.contains("'latency'"))
  }
}

@Suite struct ScopeFeasibilityCommandTests {
  @Test func scopeGoalFeasibilityPortfolioReadinessEndToEnd() throws {
    let root = try makeDemoRoot()
    func ok(_ arguments: [String], _ member: String, workspace: String = "demo") throws -> RunResult {
      let result = try mlw(arguments, root: root, as: member, workspace: workspace)
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      return result
    }
    _ = try ok(
      ["sme", "goal", "set", "--business", "cut field returns", "--kpi", "escapes per 1k boards", "--target", "< 0.5", "--by", "2027-06-30"], "sam")
    let scope = try ok(
      [
        "lead", "scope", "set", "--problem", "flag defective joints", "--archetype", "human-in-the-loop", "--domain", "vision",
        "--success", "recall >= 0.95", "--milestone", "2027-01-15 pilot", "--json",
      ], "ana"
    ).json
    #expect(scope?["version"] == .int(2) && scope?["scope"]?["goal"]?["kpi"] == .string("escapes per 1k boards"))
    #expect(scope?["missing"] == .array([]))

    _ = try ok(
      [
        "lead", "feasibility", "score", "--answer", "data.acquisition=4", "--answer", "accuracy.error-cost=2",
        "--answer", "difficulty.human=5", "--answer", "impact.friction=4", "--situation", "labelled",
      ], "ana")
    let scored = try ok(
      [
        "sme", "feasibility", "score", "--answer", "data.acquisition=2", "--answer", "accuracy.error-cost=2",
        "--answer", "difficulty.human=4", "--answer", "impact.friction=5", "--message", "vendor quote in", "--json",
      ], "sam"
    ).json
    // Spreads 2, 1 and 1: one point apart is how people score the same view; only 2 or more is listed.
    #expect(scored?["summary"]?["disagreements"] == .array([.string("data.acquisition")]))
    #expect(scored?["summary"]?["feasibility"]?.doubleValue.map { abs($0 - 3.5444444444) < 1e-9 } == true)
    #expect(scored?["history"]?.arrayValue?.map { $0["author"] } == [.string("ana"), .string("sam")])
    let shown = try ok(["lead", "feasibility", "show"], "ana")
    #expect(shown.stdout.contains("disagreement on data.acquisition (spread 2): lowest sam, highest ana"))
    #expect(!shown.stdout.contains("disagreement on difficulty.human"))

    #expect(try mlw(["init", "side-project", "--lead", "ana"], root: root).status == 0)
    _ = try ok(
      [
        "lead", "feasibility", "score", "--answer", "data.acquisition=2", "--answer", "accuracy.error-cost=2",
        "--answer", "difficulty.human=2", "--answer", "impact.friction=2",
      ], "ana", workspace: "side-project")
    #expect(try mlw(["init", "unscored", "--lead", "ana"], root: root).status == 0)
    // A workspace ana does not belong to, and one where she only annotates: neither is hers to rank.
    #expect(try mlw(["init", "elsewhere", "--lead", "bob"], root: root).status == 0)
    #expect(try mlw(["init", "annotating", "--lead", "bob"], root: root).status == 0)
    #expect(try mlw(["lead", "member", "add", "ana", "--role", "annotator"], root: root, as: "bob", workspace: "annotating").status == 0)
    let portfolio = try ok(["lead", "portfolio", "--json"], "ana").json?["projects"]?.arrayValue ?? []
    #expect(portfolio.map { $0["workspace"]?.stringValue } == ["demo", "side-project", "unscored"])
    #expect(portfolio.map { $0["quadrant"]?.stringValue } == ["do-first", "avoid", "unscored"])
    let chart = try ok(["lead", "portfolio"], "ana").stdout
    #expect(chart.contains("high impact") && chart.contains("demo (4.50/3.54)") && chart.contains("not scored yet: unscored"))

    let readiness = try ok(
      [
        "lead", "readiness", "set", "--test", "infrastructure.1=automated", "--evidence", "infrastructure.1=CI job repro",
        "--test", "data.1=manual", "--evidence", "data.1=schema.md", "--json",
      ], "ana"
    ).json
    #expect(readiness?["score"] == .int(0) && readiness?["sections"]?["infrastructure"] == .int(1))
    #expect(readiness?["band"] == .string("research project"))

    let status = try mlw(["status", "--json"], root: root, workspace: "demo").json
    let planning = status?["stages"]?.arrayValue?.first?["parts"]?.arrayValue ?? []
    #expect(planning.first { $0["path"] == .string("scope") }?["count"] == .int(1))
    #expect(planning.first { $0["path"] == .string("feasibility") }?["count"] == .int(1))
    #expect(status?["next"]?.arrayValue?.first?.stringValue?.contains("metric-policy") == true)
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func scopeAndFeasibilityRefusalsChangeNothing() throws {
    let root = try makeDemoRoot()
    let before = try snapshot(root)
    let cases: [([String], String, Int32, String)] = [
      (["lead", "feasibility", "score", "--answer", "data.acquisition=3"], "ann", 5, "needs the lead role"),
      (["sme", "feasibility", "score", "--answer", "data.acquisition=3"], "ann", 5, "needs the sme role"),
      (["lead", "feasibility", "score", "--answer", "data.acquisition=6"], "ana", 3, "outside 1 to 5"),
      (["lead", "feasibility", "score", "--answer", "data.acquisition=0"], "ana", 3, "outside 1 to 5"),
      (["lead", "feasibility", "score", "--answer", "data.vibes=3"], "ana", 3, "unknown question 'data.vibes'"),
      (["lead", "feasibility", "score", "--answer", "data.acquisition=high"], "ana", 3, "whole number from 1 to 5"),
      (["lead", "feasibility", "score", "--situation", "plenty"], "ana", 3, "not one of labelled"),
      (["lead", "feasibility", "score"], "ana", 3, "at least one --answer"),
      (["lead", "scope", "set", "--archetype", "autonomous"], "ana", 3, "the first version needs --problem"),
      (["lead", "scope", "set", "--problem", "p", "--archetype", "robot"], "ana", 3, "'robot' is not one of"),
      (["lead", "scope", "set", "--problem", "p", "--milestone", "2027-02-30 pilot"], "ana", 3, "not a date"),
      (["lead", "scope", "set", "--problem", "p"], "sam", 5, "needs the lead role"),
      (["sme", "goal", "set", "--business", "b", "--kpi", "k", "--target", "t", "--by", "soon"], "sam", 3, "not a date"),
      (["lead", "readiness", "set", "--test", "data.8=manual", "--evidence", "data.8=x"], "ana", 3, "unknown test 'data.8'"),
      (["lead", "readiness", "set", "--test", "data.1=manual"], "ana", 3, "say where the evidence is"),
      (["lead", "readiness", "set", "--test", "data.1=sometimes", "--evidence", "data.1=x"], "ana", 3, "not one of not-done"),
      (["lead", "portfolio"], "sam", 5, "needs the lead role in at least one workspace"),
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
