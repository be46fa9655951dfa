import Foundation
import Testing
import VersionedStore

extension JSONValue {
  fileprivate subscript(_ index: Int) -> JSONValue? {
    guard let array = arrayValue, array.indices.contains(index) else { return nil }
    return array[index]
  }
}

private func write(_ text: String, to path: String) throws { try text.write(toFile: path, atomically: true, encoding: .utf8) }

/// A workspace with a finished run `r1` evaluated on its test split (20 items: 16 ok, 4 bridge;
/// bridge recall 0.5), a metric policy (f1, bar recall[bridge] >= 0.75), a human-level and a
/// rule-based baseline of f1. Members as in `makeDemoRoot`.
private func deploymentRoot() throws -> (root: String, inputs: String) {
  let root = try makeDemoRoot()
  let inputs = makeTemporaryFolder("mlw-deploy-inputs")
  let items = (0..<20).map { String(format: "j%02d", $0) }
  try write("id,image\n" + items.map { "\($0),\($0).png\n" }.joined(), to: inputs + "/items.csv")
  var labels = "item,annotator,label\n"
  for (i, item) in items.enumerated() { for a in ["x1", "x2"] { labels += "\(item),\(a),\(i < 4 ? "bridge" : "ok")\n" } }
  try write(labels, to: inputs + "/labels.csv")
  try write("item,split\n" + items.map { "\($0),test\n" }.joined(), to: inputs + "/splits.csv")
  // Bridge recall 2/4 = 0.5: the bar fails. The fixed predictions get 4/4.
  try write("item,prediction\n" + items.enumerated().map { "\($1),\($0 < 2 ? "bridge" : "ok")\n" }.joined(), to: inputs + "/weak.csv")
  try write("item,prediction\n" + items.enumerated().map { "\($1),\($0 < 4 ? "bridge" : "ok")\n" }.joined(), to: inputs + "/good.csv")
  let steps: [([String], String)] = [
    (["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bridge=joined"], "mia"),
    (["manager", "dataset", "import", "joints", inputs + "/items.csv"], "mia"),
    (["manager", "labels", "import", "joints", inputs + "/labels.csv"], "mia"),
    (["lead", "metric-policy", "set", "--metric", "f1", "--slice-bar", "recall[bridge]>=0.75"], "ana"),
    (
      [
        "sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "two inspectors, 200 joints",
        "--metric", "f1=0.95", "--source", "lab study",
      ], "sam"
    ),
    (["engineer", "baseline", "add", "rules", "--type", "rule-based", "--metric", "f1=0.6", "--source", "vendor AOI rules"], "eve"),
    (["engineer", "run", "start", "r1", "--dataset", "joints", "--splits", inputs + "/splits.csv", "--code", "0123abcd"], "eve"),
    (["engineer", "run", "evaluate", "r1", "--split", "test", "--predictions", inputs + "/weak.csv"], "eve"),
    (["engineer", "run", "finish", "r1"], "eve"),
  ]
  for (words, member) in steps {
    let result = try mlw(words, root: root, as: member, workspace: "demo")
    #expect(result.status == 0, "\(words.joined(separator: " ")): \(result.stderr)")
  }
  return (root, inputs)
}

private func run(_ words: [String], _ root: String, as member: String = "eve") throws -> RunResult {
  try mlw(words, root: root, as: member, workspace: "demo")
}

@Suite struct DeploymentCommandTests {
  @Test func aModelVersionNamesItsRunArtifactAndEvaluationsAndItsCardIsFilledFromTheRun() throws {
    let (root, inputs) = try deploymentRoot()
    // A running run cannot be registered; a run without artifacts gives "no artifact".
    #expect(try run(["engineer", "run", "start", "r2", "--dataset", "joints"], root).status == 0)
    let running = try run(["engineer", "model", "register", "joints", "--run", "r2"], root)
    #expect(running.status == 6)
    #expect(running.stderr.contains("run 'r2' is running"))
    let bare = try run(["engineer", "model", "register", "joints", "--run", "r1", "--json"], root)
    #expect(bare.status == 0, "\(bare.stderr)")
    #expect(bare.json?["version"]?.intValue == 1)
    #expect(bare.json?["artifact"] == nil)
    #expect(try run(["engineer", "model", "show", "joints@1"], root).stdout.contains("no artifact"))

    try write("weights", to: inputs + "/model.bin")
    try write("other", to: inputs + "/model2.bin")
    #expect(try run(["engineer", "run", "artifact", "r1", inputs + "/model.bin"], root).status == 0)
    #expect(try run(["engineer", "run", "artifact", "r1", inputs + "/model2.bin"], root).status == 0)
    let two = try run(["engineer", "model", "register", "joints", "--run", "r1"], root)
    #expect(two.status == 3)
    #expect(two.stderr.contains("has 2 artifacts (model.bin, model2.bin); name one"))

    try write(#"{"intendedUse": "flag bridges for inspectors", "caveats": "line 3 only"}"#, to: inputs + "/card.json")
    let registered = try run(
      [
        "engineer", "model", "register", "joints", "--run", "r1", "--artifact", "model.bin", "--card", inputs + "/card.json", "--factors",
        "board rev", "--json",
      ],
      root)
    #expect(registered.status == 0, "\(registered.stderr)")
    let model = try #require(registered.json)
    #expect(model["version"]?.intValue == 2)
    #expect(model["artifact"]?["sha256"]?.stringValue == ContentHash.of(Array("weights".utf8)))
    #expect(model["evaluations"]?[0]?["split"]?.stringValue == "test")
    #expect(model["evaluations"]?[0]?["metrics"]?["accuracy"]?.doubleValue == 0.9)
    #expect(model["card"]?["intendedUse"]?.stringValue == "flag bridges for inspectors")
    #expect(model["card"]?["factors"]?.stringValue == "board rev")
    #expect(model["card"]?["trainingData"]?.stringValue?.contains("joints@1") == true)
    #expect(model["card"]?["metrics"]?.stringValue?.contains("recall[bridge] >= 0.75") == true)
    #expect(model["cardMissing"]?.arrayValue?.contains(.string("Out-of-scope uses")) == true)

    // A card with an unknown key is refused and nothing is stored.
    try write(#"{"intended": "x"}"#, to: inputs + "/bad.json")
    let before = try snapshot(root)
    let bad = try run(["engineer", "model", "register", "joints", "--run", "r1", "--artifact", "model.bin", "--card", inputs + "/bad.json"], root)
    #expect(bad.status == 3)
    #expect(bad.stderr.contains("unknown key 'intended'"))
    #expect(try snapshot(root) == before)

    // Aliases: one version each; moving is recorded; a missing version is refused.
    #expect(try run(["engineer", "model", "alias", "joints@1", "champion"], root).status == 0)
    let moved = try run(["engineer", "model", "alias", "joints@2", "champion"], root)
    #expect(moved.stdout.contains("moved champion from joints@1 to joints@2"))
    #expect(try run(["model", "show", "joints@champion", "--json"], root, as: "ann").json?["version"]?.intValue == 2)
    let missing = try run(["engineer", "model", "alias", "joints@7", "champion"], root)
    #expect(missing.status == 4)
    #expect(missing.stderr.contains("it has versions 1 to 2"))
    let history = try run(["log", "model-aliases/joints"], root)
    #expect(history.stdout.contains("alias champion: joints@1 → 2"))
    // Every member reads the registry; only the engineer writes it.
    #expect(try run(["model", "list"], root, as: "ann").stdout.contains("champion→2"))
    #expect(try run(["engineer", "model", "register", "x", "--run", "r1"], root, as: "ann").status == 5)
  }

  @Test func theGateNamesEveryFailedCheckWithItsNumbersAndAnApprovalHoldsOnlyForWhatItJudged() throws {
    let (root, inputs) = try deploymentRoot()
    #expect(try run(["engineer", "model", "register", "joints", "--run", "r1"], root).status == 0)
    // The default gate, said to be the default.
    let gate = try run(["lead", "gate", "show", "--json"], root, as: "ana")
    #expect(gate.json?["isDefault"] == .bool(true))
    #expect(gate.json?["split"]?.stringValue == "test")
    #expect(try run(["lead", "gate", "set", "--beat-baselines", "--max-human-gap", "0.1"], root, as: "ana").status == 0)

    let check = try run(["sme", "signoff", "check", "joints@1", "--json"], root, as: "sam")
    #expect(check.status == 1)  // a check that finds problems exits 1
    let checks = try #require(check.json?["checks"]?.arrayValue)
    func named(_ prefix: String) -> JSONValue? { checks.first { $0["check"]?.stringValue?.hasPrefix(prefix) == true } }
    // Bridge recall 2/4; f1 macro of ok (P 16/18, R 1) and bridge (P 1, R 0.5).
    #expect(named("bar recall[bridge]")?["passed"] == .bool(false))
    #expect(named("bar recall[bridge]")?["value"]?.doubleValue == 0.5)
    #expect(named("bar recall[bridge]")?["detail"]?.stringValue == "recall[bridge] is 0.5, needs >= 0.75")
    let okPrecision: Double = 16.0 / 18
    let okF1: Double = 2 * okPrecision / (okPrecision + 1)
    let bridgeF1: Double = 2 * 0.5 / 1.5
    let f1 = (okF1 + bridgeF1) / 2
    #expect(abs((named("metric policy")?["value"]?.doubleValue ?? 0) - f1) < 1e-12)
    #expect(named("beats baseline rules")?["passed"] == .bool(true))
    #expect(abs((named("gap to human level")?["value"]?.doubleValue ?? 0) - (0.95 - f1)) < 1e-12)
    #expect(named("gap to human level")?["passed"] == .bool(false))

    // Approving is refused, naming every failed check with its numbers; nothing is stored.
    let before = try snapshot(root)
    let refused = try run(["sme", "signoff", "approve", "joints@1", "--reason", "looks fine"], root, as: "sam")
    #expect(refused.status == 6)
    #expect(refused.stderr.contains("2 of 5 checks failed"))
    #expect(refused.stderr.contains("recall[bridge] is 0.5, needs >= 0.75"))
    #expect(refused.stderr.contains("gap 0.1"))
    #expect(refused.stderr.split(separator: "\n").count == 1)
    #expect(try snapshot(root) == before)
    // Deploying it is refused, saying who can approve and what failed.
    let deploy = try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root)
    #expect(deploy.status == 6)
    #expect(deploy.stderr.contains("it is not signed off; failing now: bar recall[bridge] >= 0.75"))
    #expect(deploy.stderr.contains("mlw sme signoff approve joints@1"))
    #expect(try snapshot(root) == before)

    // A better evaluation: every check passes; the approval names what it judged.
    #expect(try run(["lead", "gate", "set", "--clear", "max-human-gap"], root, as: "ana").status == 0)
    #expect(try run(["engineer", "run", "evaluate", "r1", "--split", "test", "--predictions", inputs + "/good.csv"], root).status == 0)
    let approved = try run(["sme", "signoff", "approve", "joints@1", "--reason", "bridge recall 1.0 on the test set", "--json"], root, as: "sam")
    #expect(approved.status == 0, "\(approved.stderr)")
    #expect(approved.json?["signoff"]?["holds"] == .bool(true))
    let record = try #require(try run(["show", "signoffs/joints/1", "--json"], root).json)
    #expect(record["body"]?["evaluation"]?["version"]?.intValue == 2)
    #expect(record["body"]?["policyVersion"]?.intValue == 1)
    #expect(record["body"]?["gateVersion"]?.intValue == 2)
    #expect(record["author"]?.stringValue == "sam")

    // A new evaluation version does not carry the approval over.
    #expect(try run(["engineer", "run", "evaluate", "r1", "--split", "test", "--predictions", inputs + "/good.csv"], root).status == 0)
    let stale = try run(["model", "show", "joints@1", "--json"], root, as: "ann")
    #expect(stale.json?["signoff"]?["holds"] == .bool(false))
    #expect(stale.json?["signoff"]?["stale"]?[0]?.stringValue?.contains("the evaluation on test is at v3 (judged: test v2)") == true)
    let blocked = try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root)
    #expect(blocked.status == 6)
    #expect(blocked.stderr.contains("its approval no longer holds"))
    // Nor does a new policy version.
    #expect(try run(["sme", "signoff", "approve", "joints@1", "--reason", "re-judged"], root, as: "sam").status == 0)
    #expect(try run(["lead", "metric-policy", "set", "--metric", "accuracy", "--slice-bar", "recall[bridge]>=0.75"], root, as: "ana").status == 0)
    #expect(try run(["model", "show", "joints@1", "--json"], root).json?["signoff"]?["holds"] == .bool(false))

    // A lead's override is recorded as such and shown with the approval.
    #expect(try run(["lead", "signoff", "override", "joints@1", "--reason", "pilot only"], root, as: "sam").status == 5)
    let override = try run(["lead", "signoff", "override", "joints@1", "--reason", "pilot only", "--json"], root, as: "ana")
    #expect(override.status == 0, "\(override.stderr)")
    #expect(override.json?["signoff"]?["decision"]?.stringValue == "overridden")
    #expect(try run(["model", "show", "joints@1"], root).stdout.contains("sign-off   overridden by ana"))
    // An annotator reads the registry but cannot sign off.
    #expect(try run(["sme", "signoff", "approve", "joints@1", "--reason", "x"], root, as: "ann").status == 5)
  }

  /// Approves joints@1 and joints@2 (both from r1, good predictions) under the default gate.
  private func approvedRoot() throws -> (root: String, inputs: String) {
    let (root, inputs) = try deploymentRoot()
    #expect(try run(["engineer", "run", "evaluate", "r1", "--split", "test", "--predictions", inputs + "/good.csv"], root).status == 0)
    for v in 1...2 {
      #expect(try run(["engineer", "model", "register", "joints", "--run", "r1"], root).status == 0)
      let approved = try run(["sme", "signoff", "approve", "joints@\(v)", "--reason", "meets the bars"], root, as: "sam")
      #expect(approved.status == 0, "\(approved.stderr)")
    }
    return (root, inputs)
  }

  @Test func aCanaryRunsBesideTheServingVersionAndRollbackGoesBackToTheLastVersionThatServedAllTraffic() throws {
    let (root, _) = try approvedRoot()
    let noForm = try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3"], root)
    #expect(noForm.status == 3)
    #expect(noForm.stderr.contains("a new target needs its form"))
    // A first canary runs beside the system mlw does not record; rolling it back withdraws it.
    let canaryFirst = try run(["engineer", "deployment", "start", "joints@1", "--target", "pilot", "--form", "batch", "--traffic", "10"], root)
    #expect(canaryFirst.status == 0, "\(canaryFirst.stderr)")
    #expect(canaryFirst.stdout.contains("joints@1 (canary)      10%") && canaryFirst.stdout.contains("outside mlw            90%"))
    let withdrawnFirst = try run(["engineer", "deployment", "rollback", "pilot", "--json"], root)
    #expect(withdrawnFirst.json?["canary"] == nil)
    #expect(withdrawnFirst.json?["serving"] == nil)
    #expect(withdrawnFirst.json?["message"]?.stringValue == "roll pilot back: canary joints@1 withdrawn; the rest is served outside mlw")
    for bad in ["0", "101", "-5"] {
      let result = try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch", "--traffic=\(bad)"], root)
      #expect(result.status == 3, "\(bad): \(result.stderr)")
    }
    #expect(try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "streaming-api"], root).status == 0)
    let none = try run(["engineer", "deployment", "rollback", "line-3"], root)
    #expect(none.status == 6)
    #expect(none.stderr.contains("no earlier version to roll back to"))

    let canary = try run(["engineer", "deployment", "start", "joints@2", "--target", "line-3", "--traffic", "10", "--json"], root)
    #expect(canary.json?["serving"]?["traffic"]?.intValue == 90)
    #expect(canary.json?["canary"]?["traffic"]?.intValue == 10)
    #expect(canary.json?["rollbackTo"]?.stringValue == "joints@1")
    // Rolling back a canary withdraws it.
    let withdrawn = try run(["engineer", "deployment", "rollback", "line-3", "--json"], root)
    #expect(withdrawn.json?["serving"]?["model"]?.stringValue == "joints")
    #expect(withdrawn.json?["serving"]?["version"]?.intValue == 1)
    #expect(withdrawn.json?["serving"]?["traffic"]?.intValue == 100)
    #expect(withdrawn.json?["canary"] == nil)
    // Canary again, promote, roll back: joints@1 again; a second rollback has nowhere to go.
    #expect(try run(["engineer", "deployment", "start", "joints@2", "--target", "line-3", "--traffic", "25"], root).status == 0)
    let promoted = try run(["engineer", "deployment", "promote", "line-3", "--json"], root)
    #expect(promoted.json?["serving"]?["version"]?.intValue == 2)
    #expect(promoted.json?["rollbackTo"]?.stringValue == "joints@1")
    let back = try run(["engineer", "deployment", "rollback", "line-3", "--json"], root)
    #expect(back.json?["serving"]?["version"]?.intValue == 1)
    #expect(try run(["engineer", "deployment", "rollback", "line-3"], root).status == 6)
    // --to a version that never served here needs a holding approval; it has one.
    let to = try run(["engineer", "deployment", "rollback", "line-3", "--to", "joints@2", "--json"], root)
    #expect(to.json?["serving"]?["version"]?.intValue == 2)

    // Every change is an event with who, when, why.
    let show = try run(["sme", "deployment", "show", "line-3", "--json"], root, as: "sam")
    let history = try #require(show.json?["history"]?.arrayValue)
    #expect(history.count == 7)
    #expect(history.allSatisfy { $0["author"]?.stringValue == "eve" })
    #expect(history[1]["message"]?.stringValue == "canary joints@2 on line-3 at 10% beside joints@1")
    #expect(show.json?["openConsiderations"]?.arrayValue?.count == 8)

    // The checklist: who checked what; a done item needs a note.
    let noNote = try run(["sme", "deployment", "check", "line-3", "feedback-loops", "--status", "done"], root, as: "sam")
    #expect(noNote.status == 3)
    #expect(try run(["sme", "deployment", "check", "line-3", "nonsense", "--status", "done", "--note", "x"], root, as: "sam").status == 3)
    #expect(
      try run(["sme", "deployment", "check", "line-3", "feedback-loops", "--status", "done", "--note", "inspectors re-judge flags"], root, as: "sam")
        .status == 0)
    #expect(try run(["engineer", "deployment", "check", "line-3", "dual-use", "--status", "n/a", "--note", "solder joints"], root).status == 0)
    let checked = try #require(try run(["engineer", "deployment", "show", "line-3", "--json"], root).json)
    #expect(checked["checklist"]?["feedback-loops"]?["by"]?.stringValue == "sam")
    #expect(checked["checklist"]?["feedback-loops"]?["role"]?.stringValue == "sme")
    #expect(checked["openConsiderations"]?.arrayValue?.count == 6)
    #expect(try run(["engineer", "deployment", "list"], root).stdout.contains("line-3  streaming-api  joints@2"))
    #expect(try run(["engineer", "deployment", "list"], root).stdout.contains("pilot   batch          nothing"))
  }

  @Test func monitoringRaisesAlertsThatNameTheLoopAndALaterWindowResolvesThem() throws {
    let (root, inputs) = try approvedRoot()
    #expect(try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root).status == 0)
    #expect(
      try run(
        ["sme", "goal", "set", "--business", "fewer escapes", "--kpi", "escapes per 1000", "--target", "below 0.5", "--by", "2027-06-30"], root,
        as: "sam"
      ).status == 0)
    // Reference: 200 rows; two numeric columns and a categorical one.
    func sample(_ n: Int, shift: Double, components: [String], predictions: Bool, start: Int) -> String {
      var text = (predictions ? "id," : "") + "brightness,area,component" + (predictions ? ",prediction" : "") + "\n"
      for i in 0..<n {
        let b = 100 + shift * 30 + Double((i * 37) % 41) - 20
        let a = 2 + shift + Double((i * 13) % 17) / 10
        let prefix = predictions ? "w\(start + i)," : ""
        text += prefix + "\(b),\(a),\(components[i % components.count])" + (predictions ? ",\(i % 5 == 0 ? "bridge" : "ok")" : "") + "\n"
      }
      return text
    }
    try write(sample(200, shift: 0, components: ["R", "C"], predictions: false, start: 0), to: inputs + "/reference.csv")
    try write(sample(150, shift: 0, components: ["R", "C"], predictions: true, start: 1000), to: inputs + "/w1.csv")
    try write(sample(150, shift: 1, components: ["R", "C", "Q"], predictions: true, start: 2000), to: inputs + "/w2.csv")
    try write(sample(150, shift: 0, components: ["R", "C"], predictions: true, start: 3000), to: inputs + "/w3.csv")

    let noReference = try run(["engineer", "monitor", "window", "line-3", "--name", "w1", inputs + "/w1.csv"], root)
    #expect(noReference.status == 6)
    #expect(try run(["engineer", "monitor", "reference", "line-3", inputs + "/reference.csv"], root).status == 0)
    // A window whose columns differ from the reference's is refused, naming them.
    try write("id,brightness,colour\nw1,1,red\n", to: inputs + "/odd.csv")
    let before = try snapshot(root)
    let odd = try run(["engineer", "monitor", "window", "line-3", "--name", "odd", inputs + "/odd.csv"], root)
    #expect(odd.status == 3)
    #expect(odd.stderr.contains("missing area, component; not in the reference: colour"))
    #expect(try snapshot(root) == before)

    let w1 = try run(["engineer", "monitor", "window", "line-3", "--name", "w1", inputs + "/w1.csv", "--json"], root)
    #expect(w1.status == 0, "\(w1.stderr)")
    #expect(w1.json?["window"]?["datasetDrifted"] == .bool(false))
    #expect(w1.json?["openAlerts"]?.arrayValue?.isEmpty == true)
    // Labels: w1's predictions are right except every 5th row (predicted bridge, truly ok).
    var truth = "id,truth\n"
    for i in 0..<150 { truth += "w\(1000 + i),ok\n" }
    try write(truth, to: inputs + "/w1-truth.csv")
    let labelled = try run(["engineer", "monitor", "truth", "line-3", "--window", "w1", inputs + "/w1-truth.csv", "--json"], root)
    #expect(labelled.status == 0, "\(labelled.stderr)")
    let t = try #require(labelled.json?["window"]?["truth"])
    #expect(t["items"]?.intValue == 150)
    #expect(t["metrics"]?["accuracy"]?.doubleValue == 0.8)
    #expect(t["metric"]?.stringValue == "f1")
    #expect(t["signedOff"]?.doubleValue == 1.0)
    // The f1 fell far more than the tolerance 0.02: back to training.
    let open1 = try #require(labelled.json?["openAlerts"]?.arrayValue)
    #expect(open1.contains { $0["id"]?.stringValue == "metric-drop@w1" && $0["loop"]?.stringValue == "training" })

    // w2 drifts and has a new component: back to data.
    let w2 = try run(["engineer", "monitor", "window", "line-3", "--name", "w2", inputs + "/w2.csv", "--json"], root)
    #expect(w2.json?["window"]?["datasetDrifted"] == .bool(true))
    #expect(w2.json?["window"]?["newValues"]?["component"]?[0]?.stringValue == "Q")
    let open2 = try #require(w2.json?["openAlerts"]?.arrayValue)
    #expect(open2.contains { $0["id"]?.stringValue == "drift@w2" && $0["loop"]?.stringValue == "data" })
    #expect(open2.contains { $0["id"]?.stringValue == "new-values@w2" && $0["loop"]?.stringValue == "data" })
    let status = try run(["status"], root, as: "ann")
    #expect(status.stdout.contains("line-3: drift@w2 (back to data)"))

    // Acknowledge one; a later window without drift resolves both.
    #expect(try run(["sme", "monitor", "ack", "line-3", "drift@w2", "--reason", "new supplier; collecting"], root, as: "sam").status == 0)
    #expect(try run(["sme", "monitor", "ack", "line-3", "drift@w9", "--reason", "x"], root, as: "sam").status == 4)
    #expect(try run(["engineer", "monitor", "window", "line-3", "--name", "w3", inputs + "/w3.csv"], root).status == 0)
    let shown = try #require(try run(["sme", "monitor", "show", "line-3", "--json"], root, as: "sam").json)
    let alerts = try #require(shown["alerts"]?.arrayValue)
    let drift = try #require(alerts.first { $0["id"]?.stringValue == "drift@w2" })
    #expect(drift["state"]?.stringValue == "resolved")
    #expect(drift["resolvedBy"]?.stringValue == "w3")
    #expect(drift["ack"]?["by"]?.stringValue == "sam")
    #expect(shown["openAlerts"]?.arrayValue == [.string("metric-drop@w1")])

    // The KPI misses while the ML figures are bad: no planning alert (training explains it);
    // once a window's labels hold, a miss sends the team back to planning.
    #expect(try run(["sme", "kpi", "log", "line-3", "--value", "1.2"], root, as: "sam").stdout.contains("MISSES the target (below 0.5)"))
    #expect(try run(["sme", "monitor", "show", "line-3", "--json"], root, as: "sam").json?["openAlerts"]?.arrayValue?.count == 1)
    var good = "id,truth\n"
    for i in 0..<150 { good += "w\(3000 + i),\(i % 5 == 0 ? "bridge" : "ok")\n" }
    try write(good, to: inputs + "/w3-truth.csv")
    Thread.sleep(forTimeInterval: 1.1)  // times are to the second: the labels come after the first KPI value
    #expect(try run(["engineer", "monitor", "truth", "line-3", "--window", "w3", inputs + "/w3-truth.csv"], root).status == 0)
    let kpi = try run(["sme", "kpi", "log", "line-3", "--value", "0.9", "--json"], root, as: "sam")
    #expect(kpi.json?["met"] == .bool(false))
    let planning = try #require(kpi.json?["openAlerts"]?.arrayValue)
    #expect(planning.map { $0["id"]?.stringValue } == ["kpi-missed@kpi-2"])
    #expect(planning.first?["loop"]?.stringValue == "planning")
    #expect(planning.first?["detail"]?.stringValue?.contains("the last window with labels, w3, holds") == true, "\(planning)")
    // A later window with 5 labels judges nothing: the evidence is still w3 (found in an attack).
    #expect(try run(["engineer", "monitor", "window", "line-3", "--name", "w4", inputs + "/w3.csv"], root).status == 0)
    try write("id,truth\n" + (0..<5).map { "w\(3000 + $0),bridge\n" }.joined(), to: inputs + "/w4-truth.csv")
    Thread.sleep(forTimeInterval: 1.1)
    let few = try run(["engineer", "monitor", "truth", "line-3", "--window", "w4", inputs + "/w4-truth.csv"], root)
    #expect(few.stdout.contains("note: 5 labels, fewer than 30: too few to raise or resolve an alert"), "\(few.stdout)")
    #expect(try run(["sme", "kpi", "log", "line-3", "--value", "0.3"], root, as: "sam").stdout.contains("meets the target"))
    let again = try run(["sme", "kpi", "log", "line-3", "--value", "0.95", "--json"], root, as: "sam")
    let cited = again.json?["openAlerts"]?.arrayValue?.first { $0["condition"]?.stringValue == "kpi-missed" }?["detail"]?.stringValue
    #expect(cited?.contains("w3, holds") == true && cited?.contains("w4") == false, "\(again.stdout)")
    #expect(try run(["sme", "kpi", "log", "line-3", "--value", "nan"], root, as: "sam").status != 0)
    #expect(try run(["sme", "kpi", "log", "line-3", "--value", "0.4"], root, as: "sam").stdout.contains("meets the target"))
    let final = try run(["sme", "monitor", "show", "line-3", "--json"], root, as: "sam")
    #expect(final.json?["openAlerts"]?.arrayValue?.isEmpty == true, "\(final.stdout)")
  }

  @Test func lineageGoesFromADeploymentToTheLabelsAndFromADatasetToWhatUsedIt() throws {
    let (root, _) = try approvedRoot()
    #expect(try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root).status == 0)
    let down = try #require(try run(["lineage", "deployments/line-3", "--json"], root, as: "ann").json)
    #expect(down["direction"]?.stringValue == "down")
    let model = try #require(down["root"]?["children"]?[0])
    #expect(model["path"]?.stringValue == "models/joints")
    #expect(model["version"]?.intValue == 1)
    let runNode = try #require(model["children"]?[0])
    #expect(runNode["path"]?.stringValue == "runs/r1")
    #expect(runNode["summary"]?.stringValue?.contains("code 0123abcd") == true)
    let pinned = try #require(runNode["children"]?.arrayValue)
    #expect(pinned[0]["path"]?.stringValue == "datasets/joints")
    #expect(pinned[1]["kind"]?.stringValue == "label-snapshot")
    #expect(pinned[1]["summary"]?.stringValue?.contains("20 items") == true)
    #expect(pinned[1]["summary"]?.stringValue?.contains("labels by 2 annotators: x1 20, x2 20") == true, "\(pinned[1])")
    #expect(model["children"]?[1]?["summary"]?.stringValue?.contains("approved by sam") == true)

    let up = try #require(try run(["lineage", "datasets/joints", "--json"], root).json)
    #expect(up["direction"]?.stringValue == "up")
    #expect(up["root"]?["children"]?[0]?["path"]?.stringValue == "runs/r1")
    #expect(up["root"]?["children"]?[0]?["children"]?.arrayValue?.count == 2)
    #expect(up["root"]?["children"]?[0]?["children"]?[0]?["children"]?[0]?["path"]?.stringValue == "deployments/line-3")

    for (path, code) in [("deployments/nope", 4), ("nope/x", 3), ("../demo", 3), ("runs/../../x", 3), ("datasets/x", 4)] {
      let result = try run(["lineage", path], root)
      #expect(result.status == Int32(code), "\(path): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
    }
  }

  /// Found in an attack: a generic revert put a rejected version back in service and turned a
  /// rejection into an approval; a rollback brought back a rejected version without a word.
  @Test func noWayAroundTheGateRevertAndRollbackIncluded() throws {
    let (root, _) = try approvedRoot()
    #expect(try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root).status == 0)
    #expect(try run(["engineer", "deployment", "start", "joints@2", "--target", "line-3"], root).status == 0)
    #expect(try run(["sme", "signoff", "reject", "joints@1", "--reason", "a flaw found late"], root, as: "sam").status == 0)
    let before = try snapshot(root)
    for (path, who) in [("deployments/line-3", "eve"), ("signoffs/joints/1", "ana"), ("signoffs/joints/1", "sam"), ("models/joints", "eve")] {
      let revert = try run(["revert", path, "--to", "1"], root, as: who)
      #expect(revert.status == 6, "\(path) as \(who): \(revert.stderr)")
      #expect(revert.stderr.contains("cannot be reverted"), "\(revert.stderr)")
    }
    let rollback = try run(["engineer", "deployment", "rollback", "line-3"], root)
    #expect(rollback.status == 6)
    #expect(rollback.stderr.contains("joints@1 was rejected since it served line-3 (a flaw found late)"))
    #expect(try snapshot(root) == before)
    // Approving again what holds records nothing.
    let twice = try run(["sme", "signoff", "approve", "joints@2", "--reason", "again"], root, as: "sam")
    #expect(twice.status == 6 && twice.stderr.contains("already"), "\(twice.stderr)")
    // What serves without a holding sign-off is flagged wherever the deployment shows.
    #expect(try run(["lead", "gate", "set", "--tolerance", "0.05"], root, as: "ana").status == 0)
    let list = try run(["engineer", "deployment", "list"], root)
    #expect(list.stdout.contains("DOES NOT HOLD"), "\(list.stdout)")
    #expect(try run(["engineer", "deployment", "show", "line-3"], root).stdout.contains("warning: joints@2 serves, but its sign-off does not hold"))
    #expect(try run(["status"], root).stdout.contains("line-3: joints@2 serves, but its sign-off does not hold"))
  }

  /// An approval judged against the baselines no longer holds once a baseline is added, changed
  /// or removed (found in an attack: approve first, add the baseline that fails it, then deploy).
  @Test func aBaselineRecordedAfterAnApprovalEndsIt() throws {
    let (root, _) = try approvedRoot()
    #expect(try run(["lead", "gate", "set", "--beat-baselines"], root, as: "ana").status == 0)
    let approved = try run(["sme", "signoff", "approve", "joints@2", "--reason", "beats every baseline there is"], root, as: "sam")
    #expect(approved.status == 0, "\(approved.stderr)")
    #expect(try run(["engineer", "deployment", "start", "joints@2", "--target", "line-9", "--form", "batch", "--traffic", "10"], root).status == 0)
    #expect(
      try run(["engineer", "baseline", "add", "vendor", "--type", "older-system", "--metric", "f1=0.99", "--source", "vendor rules"], root)
        .status == 0)
    let check = try run(["engineer", "model", "show", "joints@2"], root)
    #expect(check.stdout.contains("no longer holds: baselines/vendor v1 was recorded since"), "\(check.stdout)")
    let before = try snapshot(root)
    let promote = try run(["engineer", "deployment", "promote", "line-9"], root)
    #expect(promote.status != 0 && promote.stderr.contains("baselines/vendor v1 was recorded since"), "\(promote.stderr)")
    #expect(try snapshot(root) == before)
    // Environment keys are environment names (MODEL_PATH), not run params (found in the same attack).
    let env = try run(["engineer", "deployment", "start", "joints@2", "--target", "line-7", "--form", "batch", "--env", "MODEL_PATH=/m.pt"], root)
    #expect(env.status != 0 && env.stderr.contains("baselines/vendor v1 was recorded since"), "\(env.stderr)")
    let badKey = try run(["engineer", "deployment", "start", "joints@2", "--target", "line-7", "--env", "9X=1"], root)
    #expect(badKey.status == 3 && badKey.stderr.contains("must be an environment name like MODEL_PATH"), "\(badKey.stderr)")
    // Text that people read later holds no terminal control sequence (found in the same attack).
    for (words, who) in [
      (["sme", "signoff", "reject", "joints@2", "--reason", "x\u{1B}]0;owned\u{07}y"], "sam"),
      (["sme", "deployment", "check", "line-9", "consent", "--status", "done", "--note", "a\u{1B}[2Jb"], "sam"),
      (["lead", "gate", "set", "--tolerance", "0.03", "--message", "m\u{1B}[31m"], "ana"),
    ] {
      let refused = try run(words, root, as: who)
      #expect(refused.status == 3 && refused.stderr.contains("control character"), "\(words): \(refused.stderr)")
    }
    #expect(try snapshot(root) == before)
  }

  @Test func windowsAndCardsRefuseWhatCannotBeRightAndTinyWindowsJudgeNothing() throws {
    let (root, inputs) = try approvedRoot()
    #expect(try run(["engineer", "deployment", "start", "joints@1", "--target", "line-3", "--form", "batch"], root).status == 0)
    var reference = "x,c\n"
    for i in 0..<100 { reference += "\(i % 37),\(i % 2 == 0 ? "a" : "b")\n" }
    try write(reference, to: inputs + "/reference.csv")
    #expect(try run(["engineer", "monitor", "reference", "line-3", inputs + "/reference.csv"], root).status == 0)
    func window(_ rows: Int, x: (Int) -> String, c: (Int) -> String = { _ in "a" }) -> String {
      "id,x,c,prediction\n" + (0..<rows).map { "r\($0),\(x($0)),\(c($0)),ok\n" }.joined()
    }
    let before = try snapshot(root)
    // A repeated id, a truth label outside the schema: refused with the line.
    try write("id,x,c,prediction\nr1,1,a,ok\nr1,2,a,ok\n", to: inputs + "/twice.csv")
    let twice = try run(["engineer", "monitor", "window", "line-3", "--name", "w0", inputs + "/twice.csv"], root)
    #expect(twice.status == 3 && twice.stderr.contains("line 3: id 'r1' appears twice (line 2 and here)"), "\(twice.stderr)")
    #expect(try snapshot(root) == before)
    // A feature that lost every value raises an alert that sends the team back to data.
    try write(window(60, x: { _ in "" }), to: inputs + "/empty.csv")
    let empty = try run(["engineer", "monitor", "window", "line-3", "--name", "w1", inputs + "/empty.csv", "--json"], root)
    #expect(empty.json?["openAlerts"]?[0]?["id"]?.stringValue == "empty-columns@w1", "\(empty.stdout)")
    #expect(empty.json?["openAlerts"]?[0]?["loop"]?.stringValue == "data")
    try write("id,truth\nr1,banana\n", to: inputs + "/banana.csv")
    let banana = try run(["engineer", "monitor", "truth", "line-3", "--window", "w1", inputs + "/banana.csv"], root)
    #expect(banana.status == 3 && banana.stderr.contains("line 2: 'banana' is not a label of the label schema"), "\(banana.stderr)")
    // A window of 5 rows resolves nothing; a full one does.
    try write(window(5, x: { "\($0 % 37)" }), to: inputs + "/tiny.csv")
    let tiny = try run(["engineer", "monitor", "window", "line-3", "--name", "w2", inputs + "/tiny.csv"], root)
    #expect(tiny.stdout.contains("too few to raise or resolve an alert"))
    #expect(tiny.stdout.contains("empty-columns@w1"))
    try write(window(100, x: { "\($0 % 37)" }, c: { $0 % 2 == 0 ? "a" : "b" }), to: inputs + "/full.csv")
    let full = try run(["engineer", "monitor", "window", "line-3", "--name", "w3", inputs + "/full.csv", "--json"], root)
    #expect(full.json?["openAlerts"]?.arrayValue?.isEmpty == true, "\(full.stdout)")
    // Labels with no bridge cannot judge the bridge bar: "not judged", never "met".
    try write("id,truth\n" + (0..<100).map { "r\($0),ok\n" }.joined(), to: inputs + "/oks.csv")
    let oks = try run(["engineer", "monitor", "truth", "line-3", "--window", "w3", inputs + "/oks.csv", "--json"], root)
    #expect(oks.json?["window"]?["truth"]?["barsUnjudged"]?[0]?.stringValue?.hasPrefix("bar recall[bridge] >= 0.75") == true, "\(oks.stdout)")
    #expect(try run(["engineer", "monitor", "show", "line-3"], root).stdout.contains("1 not judged"))
    // Its f1 averages one class where the signed-off f1 averaged two: said, not silently compared.
    #expect(
      oks.json?["window"]?["truth"]?["classesNote"]?.stringValue
        == "f1 of this window averages 1 class, the signed-off one 2: the window has none of bridge; compare per-class figures", "\(oks.stdout)")

    // KPI targets in scientific notation; cards with control characters; the alias latest.
    #expect(
      try run(["sme", "goal", "set", "--business", "b", "--kpi", "escapes", "--target", "below 1e-3", "--by", "2027-06-30"], root, as: "sam").status
        == 0)
    let kpi = try run(["sme", "kpi", "log", "line-3", "--value", "0.7"], root, as: "sam")
    #expect(kpi.stdout.contains("MISSES the target (below 0.001)"), "\(kpi.stdout)")
    let control = try run(["engineer", "model", "register", "joints", "--run", "r1", "--caveats", "a\u{1B}[31mred"], root)
    #expect(control.status == 3 && control.stderr.contains("control character"))
    #expect(try run(["engineer", "model", "alias", "joints@1", "latest"], root).status == 3)
  }
}
