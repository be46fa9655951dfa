import Foundation
import Lifecycle
import Testing
import VersionedStore

/// The label each annotator gives item `n` of the end-to-end test: they agree on most items and
/// disagree on some, in a known pattern.
private func label(_ annotator: String, _ n: Int) -> String {
  let truth = ["ok", "bridge", "void"][n % 3]
  if annotator == "bo", n % 4 == 0 { return "ok" }
  if annotator == "cy", n % 5 == 0 { return "void" }
  return truth
}

private func write(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// A demo root with a label schema, guidelines, dataset `joints` (20 items, j00 and j01 gold)
/// and annotators ann, bo, cy.
private func annotationRoot() throws -> (root: String, inputs: String) {
  let root = try makeDemoRoot()
  let inputs = makeTemporaryFolder("mlw-inputs")
  for name in ["bo", "cy"] {
    #expect(try mlw(["lead", "member", "add", name, "--role", "annotator"], root: root, as: "ana", workspace: "demo").status == 0)
  }
  let steps: [[String]] = [
    [
      "manager", "schema", "set", "--task", "single-label", "--label", "ok=no defect", "--label", "bridge=solder joins two pads",
      "--label", "void=a hole in the joint",
    ],
    [
      "manager", "guidelines", "set", "--summary", "One label per joint.", "--label", "bridge", "--positive", "two pads joined",
      "--rule", "a whisker thinner than 0.1 mm is not a bridge", "--message", "first version",
    ],
  ]
  for step in steps {
    let result = try mlw(step, root: root, as: "mia", workspace: "demo")
    #expect(result.status == 0, "\(result.stderr)")
  }
  try write(
    (0..<20).map { #"{"id":"j\#(String(format: "%02d", $0))","image":"boards/\#($0).png"}"# }.joined(separator: "\n") + "\n",
    to: inputs + "/items.jsonl")
  try write("item,label\nj00,ok\nj01,bridge\n", to: inputs + "/gold.csv")
  for step in [["manager", "dataset", "import", "joints", inputs + "/items.jsonl"], ["manager", "gold", "set", "joints", inputs + "/gold.csv"]] {
    let result = try mlw(step, root: root, as: "mia", workspace: "demo")
    #expect(result.status == 0, "\(result.stderr)")
  }
  return (root, inputs)
}

@Suite struct AnnotationCommandTests {
  @Test func labelingToConsensusEndToEnd() throws {
    let (root, inputs) = try annotationRoot()
    let assigned = try mlw(
      ["manager", "assign", "joints", "--overlap", "3", "--gold-rate", "0.1", "--batch-size", "5", "--json"], root: root, as: "mia", workspace: "demo"
    )
    #expect(assigned.status == 0, "\(assigned.stderr)")
    #expect(assigned.json?["assignment"]?["annotators"]?["bo"]?["gold"] == .int(2))

    for annotator in ["ann", "bo", "cy"] {
      let before = try mlw(["annotator", "next"], root: root, as: annotator, workspace: "demo")
      #expect(before.status == 0 && before.stdout.contains("you have not acknowledged guidelines v1"))
      #expect(before.stdout.contains("a whisker thinner than 0.1 mm is not a bridge"))
      #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: annotator, workspace: "demo").status == 0)
      var seen: [String] = []
      while true {
        let next = try mlw(["annotator", "next", "--json"], root: root, as: annotator, workspace: "demo")
        #expect(next.status == 0 && next.json?["notice"] == nil, "\(next.stderr)")
        guard let item = next.json?["items"]?.arrayValue?.first?["item"]?.stringValue else { break }
        #expect(!seen.contains(item))
        seen.append(item)
        let submitted = try mlw(
          ["annotator", "submit", item, label(annotator, Int(item.dropFirst())!), "--json"], root: root, as: annotator, workspace: "demo")
        #expect(submitted.status == 0 && submitted.json?["guidelines"] == .int(1), "\(submitted.stderr)")
      }
      #expect(seen.count == 20)  // 18 regular items (overlap 3 of 3) and both gold items
    }

    // The report equals `mlw stats agreement` on the raw export.
    let report = try #require(try mlw(["manager", "report", "joints", "--bootstrap", "0", "--json"], root: root, as: "mia", workspace: "demo").json)
    let export = try mlw(["manager", "export", "joints", "--kind", "raw", "--output", inputs + "/raw.csv"], root: root, as: "mia", workspace: "demo")
    #expect(export.status == 0, "\(export.stderr)")
    let stats = try #require(try mlw(["stats", "agreement", inputs + "/raw.csv", "--bootstrap", "0", "--json"], root: root).json)
    for key in ["krippendorffAlpha", "fleissKappa", "gwetAC1", "percentAgreement", "congerKappa", "brennanPrediger"] {
      #expect(report["agreement"]?[key] == stats[key], "\(key)")
      #expect(report["agreement"]?[key]?.doubleValue != nil)
    }
    #expect(report["items"] == .int(20) && report["agreement"]?["coders"] == .int(3))
    let gold = Dictionary(uniqueKeysWithValues: (report["gold"]?.arrayValue ?? []).map { ($0["annotator"]!.stringValue!, $0["correct"]!.intValue!) })
    #expect(gold == ["ann": 2, "bo": 2, "cy": 1])  // cy says void for j00 (gold: ok); everyone is right on j01
    #expect(report["weakAnnotators"]?.arrayValue?.isEmpty == false)

    // The disagreement queue holds exactly the items the pattern makes disagree.
    let expected = Set((0..<20).filter { n in Set(["ann", "bo", "cy"].map { label($0, n) }).count > 1 }.map { String(format: "j%02d", $0) })
    let queue = try #require(
      try mlw(["manager", "disagreements", "joints", "--limit", "0", "--json"], root: root, as: "mia", workspace: "demo").json)
    #expect(Set(queue["items"]?.arrayValue?.compactMap { $0["item"]?.stringValue } ?? []) == expected)
    #expect(queue["total"] == .int(expected.count) && expected.count >= 5)

    // Adjudicate them all (the SME may too), and the queue is empty.
    for (k, item) in expected.sorted().enumerated() {
      let who = k == 0 ? "sam" : "mia"
      let verb = k == 0 ? ["sme", "adjudicate"] : ["manager", "adjudicate"]
      let result = try mlw(
        verb + ["joints", item, label("ann", Int(item.dropFirst())!), "--reason", "checked under the microscope"], root: root, as: who,
        workspace: "demo")
      #expect(result.status == 0, "\(result.stderr)")
    }
    let after = try mlw(["manager", "disagreements", "joints", "--json"], root: root, as: "mia", workspace: "demo").json
    #expect(after?["total"] == .int(0))

    // The consensus export: adjudicated where they disagreed, the unanimous label elsewhere.
    let consensus = try mlw(["manager", "export", "joints", "--format", "jsonl"], root: root, as: "mia", workspace: "demo")
    let rows = consensus.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8)) }
    #expect(rows.count == 20)
    for row in rows {
      let item = row["item"]!.stringValue!
      let n = Int(item.dropFirst())!
      #expect(row["label"]?.stringValue == label("ann", n))
      #expect(row["source"]?.stringValue == (expected.contains(item) ? "adjudicated" : "majority"))
      let votes = ["ann", "bo", "cy"].filter { label($0, n) == label("ann", n) }.count
      #expect(row["agreement"]?.doubleValue == Double(votes) / 3)
    }

    let mine = try mlw(["annotator", "mine", "--json"], root: root, as: "bo", workspace: "demo").json
    #expect(mine?["labelled"] == .int(20) && mine?["goldAnswered"] == .int(2))
    // Two gold answers are too few to show an accuracy (see GoldHidingTests).
    #expect(mine?["goldAccuracy"]?["undefined"] != nil || mine?["goldAccuracy"]?.doubleValue == nil, "\(String(describing: mine))")
    let progress = try mlw(["manager", "progress", "joints", "--json"], root: root, as: "mia", workspace: "demo").json
    #expect(progress?["complete"] == .int(18) && progress?["done"] == progress?["assigned"])
    #expect(try validateSchemas([root]).status == 0)
    let fsck = try mlw(["fsck"], root: root)
    #expect(fsck.status == 0, "\(fsck.stdout)")
  }

  @Test func refusalsAreOneLineAndStoreNothing() throws {
    let (root, inputs) = try annotationRoot()
    #expect(try mlw(["manager", "assign", "joints", "--overlap", "1", "--gold-rate", "0"], root: root, as: "mia", workspace: "demo").status == 0)
    #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: "ann", workspace: "demo").status == 0)
    let mine = try #require(
      try mlw(["annotator", "next", "--json"], root: root, as: "ann", workspace: "demo").json?["items"]?.arrayValue?.first?["item"]?.stringValue)
    let queue = try String(
      contentsOfFile: root + "/demo/assignments/joints/queues/"
        + FileManager.default.contentsOfDirectory(atPath: root + "/demo/assignments/joints/queues")[0] + "/ann.queue", encoding: .utf8)
    let notMine = try #require((0..<20).map { String(format: "j%02d", $0) }.first { !queue.contains($0 + " ") })
    try write("id,text\nk1,a\nk2,b\nk1,c\n", to: inputs + "/dup.csv")
    let before = try snapshot(root + "/demo")
    let cases: [([String], String, Int32, String)] = [
      (["annotator", "submit", mine, "purple"], "ann", 3, "'purple' is not in the label set; the labels are ok, bridge, void"),
      (["annotator", "submit", notMine, "ok"], "ann", 5, "is not assigned to ann"),
      (["annotator", "submit", mine, "ok", "--annotator", "bo"], "ann", 5, "you are ann, so you cannot label as bo"),
      (["annotator", "submit", mine, "ok"], "mia", 5, "mia needs the annotator role"),
      (["annotator", "skip", mine, "--reason", " "], "ann", 3, "say why the item is skipped"),
      (["manager", "assign", "joints", "--overlap", "2"], "ann", 5, "ann needs the manager role"),
      (["manager", "report", "joints"], "ann", 5, "ann needs the manager role"),
      (["manager", "dataset", "import", "more", inputs + "/dup.csv"], "mia", 3, "line 4: id 'k1' is on line 2 already"),
      (["manager", "dataset", "import", "../escape", inputs + "/dup.csv"], "mia", 3, "invalid dataset name"),
      (["manager", "adjudicate", "joints", "j00", "purple", "--reason", "r"], "mia", 3, "'purple' is not in the label set"),
      (
        ["manager", "schema", "set", "--task", "ordinal", "--label", "a=x", "--label", "b=y", "--level", "nominal"], "mia", 3,
        "an ordinal task is measured at the ordinal"
      ),
      (["show", "gold/joints"], "ann", 5, "ann needs one of the roles lead, sme, manager, engineer"),
      (["manager", "assign", "joints", "--overlap", "4"], "mia", 3, "4 needs at least that many annotators; there are 3"),
    ]
    for (arguments, member, code, message) in cases {
      let result = try mlw(arguments, root: root, as: member, workspace: "demo")
      #expect(result.status == code, "\(arguments): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(arguments): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
      #expect(result.stdout.isEmpty)
    }
    #expect(try snapshot(root + "/demo") == before)
  }
}

/// Gold stays hidden: nothing an annotator is shown changes at the moment they answer one item,
/// so submits, re-submits and looks do not tell which items are gold or what their answers are.
@Suite struct GoldHidingTests {
  /// An annotator with two datasets, one finished, was told to name one by `next` and even by
  /// `submit`: a finished dataset does not count, and `submit` finds the item's dataset.
  @Test func aFinishedDatasetDoesNotCount() throws {
    let (root, inputs) = try annotationRoot()
    try write(#"{"id":"s1","x":1}"# + "\n" + #"{"id":"s2","x":2}"# + "\n", to: inputs + "/small.jsonl")
    for step in [
      ["manager", "dataset", "import", "small", inputs + "/small.jsonl"],
      ["manager", "assign", "small", "--annotators", "ann", "--overlap", "1", "--gold-rate", "0"],
      ["manager", "assign", "joints", "--annotators", "ann,bo", "--overlap", "1", "--gold-rate", "0"],
    ] {
      let result = try mlw(step, root: root, as: "mia", workspace: "demo")
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: "ann", workspace: "demo").status == 0)
    func next() throws -> RunResult { try mlw(["annotator", "next", "--json"], root: root, as: "ann", workspace: "demo") }
    let both = try next()
    #expect(both.status != 0 && both.stderr.contains("has work in several datasets (joints, small)"), "\(both.stderr)")
    // submit finds the dataset that holds the item.
    let first = try #require(
      try mlw(["annotator", "next", "--dataset", "joints", "--json"], root: root, as: "ann", workspace: "demo").json?["items"]?.arrayValue?.first?[
        "item"]?
        .stringValue)
    let submitted = try mlw(["annotator", "submit", first, "ok", "--json"], root: root, as: "ann", workspace: "demo")
    #expect(submitted.status == 0 && submitted.json?["dataset"] == .string("joints"), "\(submitted.stderr)")
    for item in ["s1", "s2"] { #expect(try mlw(["annotator", "submit", item, "ok"], root: root, as: "ann", workspace: "demo").status == 0) }
    // small is finished: next and mine go to joints without --dataset.
    let open = try next()
    #expect(open.status == 0 && open.json?["dataset"] == .string("joints"), "\(open.stderr)")
    #expect(try mlw(["annotator", "mine", "--json"], root: root, as: "ann", workspace: "demo").json?["dataset"] == .string("joints"))
    while let item = try next().json?["items"]?.arrayValue?.first?["item"]?.stringValue {
      #expect(try mlw(["annotator", "submit", item, "ok"], root: root, as: "ann", workspace: "demo").status == 0)
    }
    let done = try mlw(["annotator", "next"], root: root, as: "ann", workspace: "demo")
    #expect(done.stderr.contains("has finished every assigned dataset (joints, small); name one with --dataset to see it"), "\(done.stderr)")
  }

  /// CSV input: a byte-order mark is stripped, a repeated column is refused, invalid UTF-8 is
  /// refused (it was stored as U+FFFD), and a payload column of numbers holds numbers (it held
  /// `"tenure_months":"7"`).
  @Test func csvInputIsReadAsASpreadsheetWroteIt() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-inputs")
    let bom = "\u{FEFF}"
    try write(bom + "id,tenure_months,zip,score,name\na,7,007,3.5,x\nb,,10,1e3,\"q, r\"\n", to: inputs + "/items.csv")
    let imported = try mlw(["manager", "dataset", "import", "people", inputs + "/items.csv", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(imported.status == 0, "\(imported.stderr)")
    let workspace = try Root(path: root).workspace("demo")
    let items = try workspace.itemsFile(try workspace.dataset("people")).items()
    #expect(items.map(\.id) == ["a", "b"])
    #expect(items[0].payload == .object(["tenure_months": .int(7), "zip": .string("007"), "score": .double(3.5), "name": .string("x")]))
    #expect(items[1].payload == .object(["tenure_months": .null, "zip": .string("10"), "score": .double(1000), "name": .string("q, r")]))

    let before = try snapshot(root)
    var latin1 = Array("id,name\na,caf".utf8)
    latin1 += [0xE9, 0x0A]
    try Data(latin1).write(to: URL(fileURLWithPath: inputs + "/latin1.csv"))
    try write("id,name,name\na,x,y\n", to: inputs + "/twice.csv")
    for (file, fragment) in [
      ("latin1.csv", "latin1.csv: line 2: not valid UTF-8 (byte 14); save the file as UTF-8"),
      ("twice.csv", "twice.csv: line 1: the header names the column 'name' twice"),
    ] {
      let refused = try mlw(["manager", "dataset", "import", "more", inputs + "/" + file], root: root, as: "mia", workspace: "demo")
      #expect(refused.status == 3 && refused.stderr.contains(fragment), "\(file): \(refused.stderr)")
      #expect(try snapshot(root) == before)
    }
    // The statistics readers alike.
    try write(bom + "unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\nu2,b,x\n", to: inputs + "/ratings.csv")
    #expect(try mlw(["stats", "agreement", inputs + "/ratings.csv", "--json", "--bootstrap", "0"], root: root).json?["units"] == .int(2))
    try write("model,acc,acc\nm1,0.5,0.9\n", to: inputs + "/rank.csv")
    let rank = try mlw(["stats", "rank", inputs + "/rank.csv", "--metric", "acc"], root: root)
    #expect(rank.status == 3 && rank.stderr.contains("names the column 'acc' twice"), "\(rank.stderr)")
    try Data(Array("unit,coder,value\nu1,a,".utf8) + [0xC3, 0x28, 0x0A]).write(to: URL(fileURLWithPath: inputs + "/bad.csv"))
    #expect(try mlw(["stats", "agreement", inputs + "/bad.csv"], root: root).stderr.contains("line 2: not valid UTF-8"))
  }

  /// Re-running `assign` dropped `--annotators`, so an engineer who also holds the annotator role
  /// got items: every setting not given keeps its value, and the output says which.
  @Test func reassigningKeepsEverySettingNotGiven() throws {
    let (root, _) = try annotationRoot()
    #expect(try mlw(["lead", "member", "grant", "eve", "--role", "annotator"], root: root, as: "ana", workspace: "demo").status == 0)
    let first = try mlw(
      ["manager", "assign", "joints", "--annotators", "ann,bo", "--overlap", "2", "--batch-size", "5", "--gold-rate", "0.1", "--json"],
      root: root, as: "mia", workspace: "demo")
    #expect(first.status == 0, "\(first.stderr)")
    #expect(first.json?["kept"] == .array([]))
    let again = try mlw(["manager", "assign", "joints", "--seed", "9", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(again.status == 0, "\(again.stderr)")
    let assignment = again.json?["assignment"]
    #expect(assignment?["annotators"]?.objectValue.map { Set($0.keys) } == ["ann", "bo"], "\(String(describing: assignment))")
    #expect(assignment?["overlap"] == .int(2) && assignment?["batchSize"] == .int(5) && assignment?["seed"] == .int(9))
    #expect(again.json?["kept"] == .array(["overlap 2", "gold rate 0.1", "batch size 5", "annotators ann,bo"].map { .string($0) }))
    let text = try mlw(["manager", "assign", "joints"], root: root, as: "mia", workspace: "demo").stdout
    #expect(text.contains("kept from v2: overlap 2, gold rate 0.1, batch size 5, seed 9, annotators ann,bo"), "\(text)")
    // Someone on the kept list who leaves the role is left out, and the output says so.
    let named = try mlw(["manager", "assign", "joints", "--annotators", "ann,bo,cy", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(named.status == 0 && !(named.json?["kept"]?.arrayValue ?? []).contains(.string("annotators ann,bo")))
    #expect(try mlw(["lead", "member", "grant", "cy", "--role", "engineer"], root: root, as: "ana", workspace: "demo").status == 0)
    #expect(try mlw(["lead", "member", "revoke", "cy", "--role", "annotator"], root: root, as: "ana", workspace: "demo").status == 0)
    let left = try mlw(["manager", "assign", "joints", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(left.status == 0, "\(left.stderr)")
    #expect(left.json?["dropped"] == .array([.string("cy")]))
    #expect(left.json?["assignment"]?["annotators"]?.objectValue.map { Set($0.keys) } == ["ann", "bo"])
    // A list given again replaces the kept one.
    let everyone = try mlw(["manager", "assign", "joints", "--annotators", "ann,bo,eve", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(everyone.json?["assignment"]?["annotators"]?.objectValue?.count == 3)
    #expect(try validateSchemas([root]).status == 0)
  }

  /// Adding `c` to `a,b` was refused as "changes 1 existing item 'b'" (the last stored line was
  /// compared with its newline), and with --allow-changes recorded 1 changed. Every position,
  /// CSV and JSON Lines, LF and CRLF, with and without a final newline.
  @Test func addingItemsRecordsExactlyWhatWasAdded() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-inputs")
    var trial = 0
    func changes(_ result: RunResult) -> [String: Int] {
      let changes = result.json?["dataset"]?["dataset"]?["changes"]
      return ["added", "removed", "changed"].reduce(into: [:]) { $0[$1] = changes?[$1]?.intValue ?? -1 }
    }
    for format in ["csv", "jsonl"] {
      for newline in ["\n", "\r\n"] {
        for final in [true, false] {
          func file(_ ids: [String], _ name: String, change: String? = nil) throws -> String {
            let rows = ids.map { id in
              let x = id == change ? "7" : String(id.unicodeScalars.first!.value)
              return format == "csv" ? "\(id),\(x)" : #"{"id":"\#(id)","x":\#(x)}"#
            }
            let text = ((format == "csv" ? ["id,x"] : []) + rows).joined(separator: newline) + (final ? newline : "")
            let path = inputs + "/\(name)-\(trial).\(format)"
            try write(text, to: path)
            return path
          }
          for (position, added) in [("front", "a"), ("middle", "c"), ("end", "e")] {
            trial += 1
            let dataset = "d\(trial)"
            let context = "\(format) \(newline == "\n" ? "LF" : "CRLF") final:\(final) \(position)"
            let base = ["b", "d"]
            let first = try mlw(["manager", "dataset", "import", dataset, try file(base, "base")], root: root, as: "mia", workspace: "demo")
            #expect(first.status == 0, "\(context): \(first.stderr)")
            let grown = try mlw(
              ["manager", "dataset", "import", dataset, try file((base + [added]).sorted(), "grown"), "--json"], root: root, as: "mia",
              workspace: "demo")
            #expect(grown.status == 0, "\(context): \(grown.stderr)")
            #expect(changes(grown) == ["added": 1, "removed": 0, "changed": 0], "\(context)")
            #expect(grown.json?["dataset"]?["message"] == .string("import: 1 added, 0 removed, 0 changed"), "\(context)")
          }
          // Removing and changing are compared item by item.
          trial += 1
          let dataset = "d\(trial)"
          #expect(
            try mlw(["manager", "dataset", "import", dataset, try file(["a", "b", "c"], "three")], root: root, as: "mia", workspace: "demo").status
              == 0)
          let before = try snapshot(root)
          let removed = try mlw(["manager", "dataset", "import", dataset, try file(["b", "c"], "less")], root: root, as: "mia", workspace: "demo")
          #expect(
            removed.status == 6 && removed.stderr.contains("removes 1 existing item(s)") && removed.stderr.contains("first 'a'"), "\(removed.stderr)")
          let edited = try mlw(
            ["manager", "dataset", "import", dataset, try file(["a", "b", "c"], "edit", change: "c")], root: root, as: "mia", workspace: "demo")
          #expect(
            edited.status == 6 && edited.stderr.contains("changes 1 existing item(s)") && edited.stderr.contains("first 'c'"), "\(edited.stderr)")
          #expect(try snapshot(root) == before)
          let both = try mlw(
            ["manager", "dataset", "import", dataset, try file(["b", "c", "d"], "both", change: "b"), "--allow-changes", "--json"], root: root,
            as: "mia", workspace: "demo")
          #expect(changes(both) == ["added": 1, "removed": 1, "changed": 1], "\(format) \(final)")
        }
      }
    }
  }

  /// An item with one label is kept by the report as by `stats agreement`, so that the two still
  /// agree to the last bit when some items have a single label.
  @Test func theReportKeepsSingleLabelledItemsAsStatsAgreementDoes() throws {
    let (root, inputs) = try annotationRoot()
    var csv = "item,annotator,label\n"
    for n in 0..<20 {
      let item = String(format: "j%02d", n)
      csv += "\(item),ann,\(n % 3 == 0 ? "bridge" : "ok")\n"
      if n % 5 != 4 { csv += "\(item),bo,\(n % 4 == 0 ? "bridge" : "ok")\n" }  // j04, j09, j14, j19 have one label
    }
    try write(csv, to: inputs + "/labels.csv")
    let imported = try mlw(["manager", "labels", "import", "joints", inputs + "/labels.csv"], root: root, as: "mia", workspace: "demo")
    #expect(imported.status == 0, "\(imported.stderr)")
    let report = try #require(try mlw(["manager", "report", "joints", "--bootstrap", "0", "--json"], root: root, as: "mia", workspace: "demo").json)
    #expect(
      try mlw(["manager", "export", "joints", "--kind", "raw", "--output", inputs + "/raw.csv"], root: root, as: "mia", workspace: "demo").status == 0
    )
    let stats = try #require(try mlw(["stats", "agreement", inputs + "/raw.csv", "--bootstrap", "0", "--json"], root: root).json)
    for key in ["krippendorffAlpha", "fleissKappa", "gwetAC1", "percentAgreement", "congerKappa", "cohenKappa", "singleRatedUnits", "units"] {
      #expect(report["agreement"]?[key] == stats[key], "\(key)")
    }
    #expect(report["items"] == .int(16) && report["singleLabelled"] == .int(4) && stats["singleRatedUnits"] == .int(4))
    let text = try mlw(["manager", "report", "joints", "--bootstrap", "0"], root: root, as: "mia", workspace: "demo").stdout
    #expect(text.contains("16 items with 2+ labels") && text.contains("4 unit(s) rated by one coder only"), "\(text)")
  }

  /// A root whose dataset `big` (80 items, 30 of them gold) is assigned to ann and bo with the
  /// same settings every time.
  static func goldRoot() throws -> String {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-inputs")
    try write(
      (0..<80).map { #"{"id":"i\#(String(format: "%02d", $0))","image":"b/\#($0).png"}"# }.joined(separator: "\n") + "\n", to: inputs + "/items.jsonl"
    )
    try write("item,label\n" + (50..<80).map { "i\($0),ok\n" }.joined(), to: inputs + "/gold.csv")
    #expect(try mlw(["lead", "member", "add", "bo", "--role", "annotator"], root: root, as: "ana", workspace: "demo").status == 0)
    for step in [
      ["manager", "schema", "set", "--task", "single-label", "--label", "ok=no defect", "--label", "bridge=two pads joined"],
      ["manager", "guidelines", "set", "--summary", "One label per joint.", "--message", "first"],
      ["manager", "dataset", "import", "big", inputs + "/items.jsonl"],
      ["manager", "gold", "set", "big", inputs + "/gold.csv"],
      ["manager", "assign", "big", "--overlap", "1", "--gold-rate", "0.3", "--batch-size", "10", "--seed", "7"],
    ] {
      let result = try mlw(step, root: root, as: "mia", workspace: "demo")
      #expect(result.status == 0, "\(step): \(result.stderr)")
    }
    for name in ["ann", "bo"] { #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: name, workspace: "demo").status == 0) }
    return root
  }

  /// An annotator's whole queue in order, as `next --count` shows it.
  static func queue(_ root: String, _ annotator: String) throws -> [String] {
    let shown = try mlw(["annotator", "next", "--count", "1000", "--json"], root: root, as: annotator, workspace: "demo")
    return (shown.json?["items"]?.arrayValue ?? []).compactMap { $0["item"]?.stringValue }
  }

  /// Where gold goes follows from a secret key, not from anything an annotator can read: the
  /// seed is in the record's history, and before the fix (gold j after regular item
  /// floor((j+1)·n/(g+1)) - 1, the same gold order for everyone) the seed, the item ids and a
  /// queue's length gave every gold item's place. Two roots with the same data and seed now put
  /// gold in different places, each annotator gets their own, and the counts stay with the roles
  /// that read gold.
  @Test func whereGoldGoesIsNotDerivableFromWhatAnAnnotatorSees() throws {
    let first = try Self.goldRoot()
    let second = try Self.goldRoot()
    let gold = Set((50..<80).map { "i\($0)" })
    func goldPlaces(_ queue: [String]) -> [Int] { queue.indices.filter { gold.contains(queue[$0]) } }
    let (a1, a2, b1) = (try Self.queue(first, "ann"), try Self.queue(second, "ann"), try Self.queue(first, "bo"))
    #expect(goldPlaces(a1).count >= 10 && goldPlaces(b1).count >= 10, "\(a1)")
    #expect(a1 != a2, "the same queue from the same seed in two roots: the order is derivable from the seed")
    #expect(goldPlaces(a1) != goldPlaces(a2))
    #expect(Set(a1).intersection(gold) != Set(b1).intersection(gold) || goldPlaces(a1) != goldPlaces(b1))
    // The old rule, evenly spaced: gold j after regular item floor((j+1)·n/(g+1)) - 1.
    let g = goldPlaces(a1).count
    let n = a1.count - g
    let even = (0..<g).map { j in (j + 1) * n / (g + 1) + j }
    #expect(goldPlaces(a1) != even)
    // Assignments (gold counts per queue, the key) are for the roles that read gold.
    let shown = try mlw(["show", "assignments/big"], root: first, as: "ann", workspace: "demo")
    #expect(shown.status == 5 && shown.stderr.contains("ann needs one of the roles"), "\(shown.stderr)")
    let manager = try mlw(["show", "assignments/big", "--json"], root: first, as: "mia", workspace: "demo")
    #expect(manager.json?["body"]?["goldKey"]?.stringValue?.count == 32, "\(manager.stdout)")
    #expect(try validateSchemas([first]).status == 0)
    // Re-assigning keeps the key, and so every queue.
    #expect(try mlw(["manager", "assign", "big"], root: first, as: "mia", workspace: "demo").status == 0)
    #expect(try Self.queue(first, "ann") == a1)
    #expect(try mlw(["log", "assignments/big"], root: first, as: "ann", workspace: "demo").status == 5)
  }

  @Test func nothingAnAnnotatorSeesMovesAtOneSubmission() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-inputs")
    for step in [
      ["manager", "schema", "set", "--task", "single-label", "--label", "ok=no defect", "--label", "bridge=two pads joined"],
      ["manager", "guidelines", "set", "--summary", "One label per joint.", "--message", "first"],
    ] {
      #expect(try mlw(step, root: root, as: "mia", workspace: "demo").status == 0)
    }
    try write(
      (0..<80).map { #"{"id":"i\#(String(format: "%02d", $0))","image":"b/\#($0).png"}"# }.joined(separator: "\n") + "\n", to: inputs + "/items.jsonl"
    )
    try write("item,label\n" + (50..<80).map { "i\($0),ok\n" }.joined(), to: inputs + "/gold.csv")
    for step in [
      ["manager", "dataset", "import", "big", inputs + "/items.jsonl"],
      ["manager", "gold", "set", "big", inputs + "/gold.csv", "--message", "gold: i50=ok"],
      ["manager", "assign", "big", "--overlap", "2", "--gold-rate", "0.3", "--batch-size", "10"],
    ] {
      if step[1] == "assign" {
        #expect(try mlw(["lead", "member", "add", "bo", "--role", "annotator"], root: root, as: "ana", workspace: "demo").status == 0)
      }
      let result = try mlw(step, root: root, as: "mia", workspace: "demo")
      #expect(result.status == 0, "\(result.stderr)")
    }
    // bo labels everything first, so that ann's regular items are shared and her gold ones too.
    #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: "bo", workspace: "demo").status == 0)
    while let item = try mlw(["annotator", "next", "--json"], root: root, as: "bo", workspace: "demo").json?["items"]?.arrayValue?.first?["item"]?
      .stringValue
    {
      #expect(try mlw(["annotator", "submit", item, "ok", "--dataset", "big"], root: root, as: "bo", workspace: "demo").status == 0)
    }
    #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: "ann", workspace: "demo").status == 0)
    let goldItems = Set((50..<80).map { "i\($0)" })
    // Everything `mine` shows except the two counts every submission moves.
    func looks() throws -> JSONValue {
      var mine = try #require(try mlw(["annotator", "mine", "--json"], root: root, as: "ann", workspace: "demo").json?.objectValue)
      mine["labelled"] = nil
      mine["skipped"] = nil
      return .object(mine)
    }
    var answered: [String: String] = [:]
    var before = try looks()
    var sawGold = 0
    while let item = try mlw(["annotator", "next", "--json"], root: root, as: "ann", workspace: "demo").json?["items"]?.arrayValue?.first?["item"]?
      .stringValue
    {
      let value = answered.count % 3 == 0 ? "bridge" : "ok"
      answered[item] = value
      let submitted = try mlw(["annotator", "submit", item, value, "--dataset", "big", "--json"], root: root, as: "ann", workspace: "demo")
      #expect(submitted.status == 0, "\(submitted.stderr)")
      if goldItems.contains(item) { sawGold += 1 }
      let after = try looks()
      // Only a submission that completes a batch may move anything.
      if after["completeBatches"] == before["completeBatches"] {
        #expect(after == before, "after submitting \(item): \(before) → \(after)")
      }
      before = after
    }
    #expect(sawGold >= 10)
    let final = try #require(try mlw(["annotator", "mine", "--json"], root: root, as: "ann", workspace: "demo").json)
    let onGold = answered.filter { goldItems.contains($0.key) }
    #expect(final["goldAnswered"] == .int(onGold.count))
    #expect((final["sharedItems"]?.intValue ?? 0) > 0, "agreement was measured on nothing: \(final)")
    let exact = Double(onGold.count { $0.value == "ok" }) / Double(onGold.count)
    #expect(final["goldAccuracy"]?.doubleValue == (exact * 10).rounded() / 10)

    // A re-submission of a gold item with the other label changes nothing the annotator sees.
    let goldItem = try #require(onGold.keys.sorted().first)
    let other = onGold[goldItem] == "ok" ? "bridge" : "ok"
    let resubmitted = try mlw(["annotator", "submit", goldItem, other, "--dataset", "big"], root: root, as: "ann", workspace: "demo")
    #expect(resubmitted.status == 0, "\(resubmitted.stderr)")
    let afterResubmit = try looks()
    #expect(afterResubmit == before, "re-submitting \(goldItem): \(before) → \(afterResubmit)")

    // Gold history is for the roles that read gold: log refuses, status and log withhold messages.
    let log = try mlw(["log", "gold/big"], root: root, as: "ann", workspace: "demo")
    #expect(log.status != 0 && log.stderr.contains("role"), "\(log.stdout)")
    #expect(try mlw(["log", "gold/big"], root: root, as: "mia", workspace: "demo").stdout.contains("gold: i50=ok"))
    for command in [["log", "--json"], ["status", "--json"]] {
      let seen = try mlw(command, root: root, as: "ann", workspace: "demo")
      #expect(seen.status == 0 && !seen.stdout.contains("i50=ok") && seen.stdout.contains("withheld"), "\(command): \(seen.stdout)")
    }
    let workspaces = try mlw(["workspaces", "--json"], root: root, as: "ann")
    #expect(!workspaces.stdout.contains("i50=ok"))
  }

  @Test func anItemShowsItsContentLabelsGoldAndAdjudications() throws {
    let (root, inputs) = try annotationRoot()
    #expect(try mlw(["manager", "assign", "joints", "--overlap", "3", "--gold-rate", "0.1"], root: root, as: "mia", workspace: "demo").status == 0)
    for annotator in ["ann", "bo", "cy"] {
      #expect(try mlw(["annotator", "guidelines", "ack"], root: root, as: annotator, workspace: "demo").status == 0)
      for n in [0, 5] {
        let item = String(format: "j%02d", n)
        let submitted = try mlw(["annotator", "submit", item, label(annotator, n)], root: root, as: annotator, workspace: "demo")
        #expect(submitted.status == 0, "\(submitted.stderr)")
      }
    }
    // j05: ann bridge? truth of 5 is ["ok","bridge","void"][2] = void; cy says void (5 % 5 == 0), bo void: unanimous.
    // j00: truth ok, bo ok, cy void: a disagreement, and gold (ok).
    let shown = try #require(try mlw(["manager", "item", "show", "joints", "j00", "--json"], root: root, as: "mia", workspace: "demo").json)
    #expect(shown["item"] == .string("j00") && shown["datasetVersion"] == .int(1))
    #expect(shown["payload"]?["image"] == .string("boards/0.png"))
    #expect(shown["gold"] == .string("ok"))
    let byAnnotator = Dictionary(
      uniqueKeysWithValues: (shown["labels"]?.arrayValue ?? []).map { ($0["annotator"]!.stringValue!, $0["label"]?.stringValue ?? "") })
    #expect(byAnnotator == ["ann": "ok", "bo": "ok", "cy": "void"])
    #expect(shown["labels"]?.arrayValue?.allSatisfy { $0["guidelines"] == .int(1) } == true)
    #expect(shown["adjudications"]?.arrayValue?.isEmpty == true)
    let text = try mlw(["manager", "item", "show", "joints", "j00"], root: root, as: "mia", workspace: "demo")
    #expect(text.status == 0 && text.stdout.contains("gold: ok") && text.stdout.contains("boards/0.png"))
    #expect(text.stdout.contains("not adjudicated: mlw manager adjudicate joints j00"), "\(text.stdout)")

    // The SME adjudicates and sees it on the item.
    #expect(
      try mlw(["sme", "adjudicate", "joints", "j00", "ok", "--reason", "no void under x-ray"], root: root, as: "sam", workspace: "demo").status == 0)
    let after = try #require(try mlw(["sme", "item", "show", "joints", "j00", "--json"], root: root, as: "sam", workspace: "demo").json)
    #expect(after["adjudications"]?.arrayValue?.first?["label"] == .string("ok"))
    #expect(after["adjudications"]?.arrayValue?.first?["reason"] == .string("no void under x-ray"))
    #expect(after["adjudications"]?.arrayValue?.first?["by"] == .string("sam"))

    // An annotator may not look (it would show gold and everyone's labels); unknown items and datasets are not found.
    let refused = try mlw(["manager", "item", "show", "joints", "j00"], root: root, as: "ann", workspace: "demo")
    #expect(refused.status == 5 && refused.stdout.isEmpty && !refused.stderr.contains("ok"), "\(refused.stderr)")
    let unknown = try mlw(["manager", "item", "show", "joints", "j99"], root: root, as: "mia", workspace: "demo")
    #expect(unknown.status == 4 && unknown.stderr.contains("'j99'") && unknown.stderr.split(separator: "\n").count == 1, "\(unknown.stderr)")
    #expect(try mlw(["manager", "item", "show", "nope", "j00"], root: root, as: "mia", workspace: "demo").status == 4)

    // Disagreements and the consensus export can carry the content.
    #expect(try mlw(["annotator", "submit", "j05", "ok"], root: root, as: "bo", workspace: "demo").status == 0)
    let queue = try #require(
      try mlw(["manager", "disagreements", "joints", "--with-payload", "--json"], root: root, as: "mia", workspace: "demo").json)
    let j05 = try #require(queue["items"]?.arrayValue?.first { $0["item"] == .string("j05") })
    #expect(j05["content"]?["payload"]?["image"] == .string("boards/5.png"))
    let queueText = try mlw(["manager", "disagreements", "joints", "--with-payload"], root: root, as: "mia", workspace: "demo")
    #expect(queueText.stdout.contains("CONTENT") && queueText.stdout.contains("boards/5.png"), "\(queueText.stdout)")
    let plain = try mlw(["manager", "disagreements", "joints"], root: root, as: "mia", workspace: "demo")
    #expect(!plain.stdout.contains("CONTENT"))
    #expect(try mlw(["manager", "disagreements", "joints", "--limit", "-1"], root: root, as: "mia", workspace: "demo").status == 2)

    let jsonl = try mlw(["manager", "export", "joints", "--format", "jsonl", "--with-payload"], root: root, as: "mia", workspace: "demo")
    let rows = jsonl.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8)) }
    #expect(rows.count == 2 && rows.allSatisfy { $0["payload"]?["image"]?.stringValue?.hasPrefix("boards/") == true }, "\(jsonl.stdout)")
    let csv = try mlw(["manager", "export", "joints", "--with-payload", "--output", inputs + "/c.csv"], root: root, as: "mia", workspace: "demo")
    #expect(csv.status == 0, "\(csv.stderr)")
    let csvText = try String(contentsOfFile: inputs + "/c.csv", encoding: .utf8)
    #expect(csvText.hasPrefix("item,label,source,labels,agreement,votes,payload,uri\n") && csvText.contains("boards/0.png"), "\(csvText)")
    let raw = try mlw(["manager", "export", "joints", "--kind", "raw", "--with-payload"], root: root, as: "mia", workspace: "demo")
    #expect(raw.status == 2 && raw.stderr.contains("consensus"))
  }

  @Test func oneGuidelineVersionHoldsEveryLabelAndEditsKeepTheOthers() throws {
    let (root, inputs) = try annotationRoot()
    func body(_ version: Int? = nil) throws -> JSONValue? {
      try mlw(
        ["manager", "guidelines", "show", "--json"] + (version.map { ["--version", String($0)] } ?? []), root: root, as: "mia", workspace: "demo"
      )
      .json?["guidelines"]
    }
    // Two --label sections in one call used to mix: the second label got the first one's example.
    let before = try snapshot(root)
    let two = try mlw(
      [
        "manager", "guidelines", "set", "--label", "ok", "--definition", "a clean joint", "--positive", "shiny fillet", "--label", "void",
        "--definition", "a hole", "--message", "two at once",
      ], root: root, as: "mia", workspace: "demo")
    #expect(two.status == 2 && two.stderr.contains("--file") && two.stderr.split(separator: "\n").count == 1, "\(two.stderr)")
    #expect(try snapshot(root) == before)

    // One file, every label's section, one version.
    let document = """
      # Solder joints

      One label per joint.
      Look at the joint, not the board.

      ## ok
      A clean joint: a concave fillet on both pads.

      Positive:
      - a shiny concave fillet
      Negative:
      - a dull, grainy joint (cold joint: still ok in this task,
        but note it in the comment)

      ## bridge
      Solder joins two pads.

      ### Positive
      * two pads joined
      ### Rules
      - a whisker thinner than 0.1 mm is not a bridge

      ## void
      A hole in the joint.

      Is not:
      - a shadow of the component
      """
    try Data(document.replacingOccurrences(of: "\n", with: "\r\n").utf8).write(to: URL(fileURLWithPath: inputs + "/g.md"))
    let set = try mlw(
      ["manager", "guidelines", "set", "--file", inputs + "/g.md", "--message", "every label", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(set.status == 0 && set.json?["version"] == .int(2), "\(set.stderr)")
    let v2 = try #require(try body())
    #expect(v2["summary"] == .string("One label per joint.\nLook at the joint, not the board."))
    #expect(v2["labels"]?["ok"]?["definition"] == .string("A clean joint: a concave fillet on both pads."))
    #expect(v2["labels"]?["ok"]?["positive"] == .array([.string("a shiny concave fillet")]))
    #expect(
      v2["labels"]?["ok"]?["negative"] == .array([.string("a dull, grainy joint (cold joint: still ok in this task,\nbut note it in the comment)")]))
    #expect(v2["labels"]?["bridge"]?["positive"] == .array([.string("two pads joined")]))
    #expect(v2["labels"]?["bridge"]?["rules"] == .array([.string("a whisker thinner than 0.1 mm is not a bridge")]))
    #expect(v2["labels"]?["void"]?["negative"] == .array([.string("a shadow of the component")]))

    // An edit of one label keeps every other label's section.
    let edit = try mlw(
      ["manager", "guidelines", "set", "--label", "void", "--positive", "a round dark spot in the x-ray", "--message", "void example"], root: root,
      as: "mia", workspace: "demo")
    #expect(edit.status == 0, "\(edit.stderr)")
    let v3 = try #require(try body())
    #expect(v3["labels"]?["ok"] == v2["labels"]?["ok"] && v3["labels"]?["bridge"] == v2["labels"]?["bridge"] && v3["summary"] == v2["summary"])
    #expect(v3["labels"]?["void"]?["negative"] == v2["labels"]?["void"]?["negative"])
    #expect(v3["labels"]?["void"]?["positive"] == .array([.string("a round dark spot in the x-ray")]))

    // show --format md writes what set --file reads: submitted unchanged, it is the same body,
    // and publishing it would only make annotators acknowledge a copy, so it is refused.
    let markdown = try mlw(["manager", "guidelines", "show", "--format", "md"], root: root, as: "mia", workspace: "demo")
    #expect(markdown.status == 0 && markdown.stdout.hasPrefix("# Guidelines v3: void example\n"), "\(markdown.stdout)")
    try Data(markdown.stdout.utf8).write(to: URL(fileURLWithPath: inputs + "/v3.md"))
    let again = try mlw(
      ["manager", "guidelines", "set", "--file", inputs + "/v3.md", "--message", "again"], root: root, as: "mia", workspace: "demo")
    #expect(again.status == 3 && again.stderr.contains("nothing changed: v3 says this already"), "\(again.stderr)")
    // And the JSON that show --json prints is read back as well (one change, to tell).
    let json = try mlw(["manager", "guidelines", "show", "--json"], root: root, as: "mia", workspace: "demo")
    try Data(json.stdout.replacingOccurrences(of: "One label per joint.", with: "One label per solder joint.").utf8).write(
      to: URL(fileURLWithPath: inputs + "/v4.json"))
    let fromJSON = try mlw(
      ["manager", "guidelines", "set", "--file", inputs + "/v4.json", "--message", "json"], root: root, as: "mia", workspace: "demo")
    #expect(fromJSON.status == 0, "\(fromJSON.stderr)")
    let v4 = try #require(try body())
    #expect(v4["labels"] == v3["labels"] && v4["summary"]?.stringValue?.hasPrefix("One label per solder joint.") == true)
    // The annotator reads the multi-line entry under its label.
    let next = try mlw(["annotator", "guidelines", "show"], root: root, as: "ann", workspace: "demo")
    #expect(
      next.stdout.contains("- not: a dull, grainy joint (cold joint: still ok in this task,\n    but note it in the comment)"), "\(next.stdout)")

    // Refusals say where and change nothing.
    let cases: [(String, String)] = [
      ("## ok\nfine\n## nope\n", "line 3: 'nope' is not a label of the schema"),
      ("## ok\nfine\n## ok\n", "line 3: a second section for 'ok'"),
      ("## ok\nfine\nRules:\nnot a list item\n", "line 4: under 'Rules:'"),
      ("## ok\nfine\nPositive:\n-\n", "line 4: an empty list item"),
      ("{\"labels\": {\"ok\": {\"definition\": 3}}}", "'definition' of 'ok' is text"),
      ("{\"labels\": {\"ok\": {\"examples\": []}}}", "unknown key 'examples'"),
      ("  \n", "the file is empty"),
      ("## ok\nfine\nPositive:\n- a\n### Weird\n- b\n", "line 5: '### Weird' is no part of a section"),
      ("Sum \u{1B}[31mred\n## ok\nfine\n", "the summary holds a control character"),
      ("{\"labels\": {\"ok\": {\"positive\": [\"a\\u0000b\"]}}}", "a positive example of 'ok' holds a control character"),
      ("{\"summary\": \"" + String(repeating: "x", count: 20_000) + "\"}", "the summary is 20000 bytes; at most 16 KiB"),
      ("## ok\n" + String(repeating: "a long line of definition text\n", count: 9_000), "bytes; a guideline document is at most 256 KiB"),
    ]
    let unchanged = try snapshot(root)
    for (n, (text, message)) in cases.enumerated() {
      let path = inputs + "/bad\(n).\(text.hasPrefix("{") ? "json" : "md")"
      try Data(text.utf8).write(to: URL(fileURLWithPath: path))
      let refused = try mlw(["manager", "guidelines", "set", "--file", path, "--message", "x"], root: root, as: "mia", workspace: "demo")
      #expect(refused.status == 3 && refused.stderr.contains(message) && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    }
    let mixed = try mlw(
      ["manager", "guidelines", "set", "--file", inputs + "/g.md", "--summary", "s", "--message", "x"], root: root, as: "mia", workspace: "demo")
    #expect(mixed.status == 2 && mixed.stderr.contains("--file holds the whole guideline"))
    // Text the flags take must read back the same from the Markdown form, or it is refused.
    let flagCases: [([String], String)] = [
      (
        ["--label", "ok", "--definition", "good joint\nExamples:\n- not a list"],
        "the definition of 'ok' has a line 'Examples:' that reads as a part heading"
      ),
      (["--summary", "intro\n## void"], "the summary has a line '## void' that reads as a heading"),
      (["--label", "ok", "--positive", "first\n\nsecond"], "a positive example of 'ok' holds a blank line"),
      (["--label", "ok", "--positive", ""], "a positive example of 'ok' is empty"),
      (["--label", "ok"], "nothing changed"),
    ]
    for (words, message) in flagCases {
      let refused = try mlw(["manager", "guidelines", "set"] + words + ["--message", "x"], root: root, as: "mia", workspace: "demo")
      #expect(
        refused.status == 3 && refused.stderr.contains(message) && refused.stderr.split(separator: "\n").count == 1, "\(words): \(refused.stderr)")
    }
    #expect(try snapshot(root) == unchanged)
    #expect(try validateSchemas([root]).status == 0)
  }

  @Test func aLabelStudioExportRoundTripsToTheItemsAndMembersItCameFrom() throws {
    let (root, inputs) = try annotationRoot()
    // Times after the guidelines were published (now) and not in the future beyond a day.
    let start = Date()
    func soon(_ minutes: Int) -> String { Timestamp.format(start.addingTimeInterval(Double(minutes) * 60)) }
    // The same instant written with a +01:00 offset, as Label Studio may write it.
    func plusOneHour(_ utc: String) -> String {
      let later = Timestamp.format(Timestamp.parse(utc)!.addingTimeInterval(3600))
      return String(later.dropLast()) + "+01:00"
    }
    // Tasks 101… carry the dataset's ids in data.id; user 7 is bo (an object once, a bare id
    // after); user 9 is someone whose e-mail names no member.
    func annotation(_ user: String, _ label: String, _ time: String) -> String {
      #"{"completed_by": \#(user), "created_at": "\#(time)", "result": [{"type": "choices", "value": {"choices": ["\#(label)"]}}]}"#
    }
    let export =
      "["
      + [
        #"{"id": 101, "data": {"id": "j00", "key": "j10"}, "annotations": ["#
          + annotation(#"{"id": 7, "email": "bo@lab.example"}"#, "ok", "2026-01-05T10:00:00.123456Z") + ", "
          + annotation(#"{"id": 3, "email": "Ann@lab.example"}"#, "void", soon(1)) + ", "
          + annotation(#"{"id": 9, "email": "zed@elsewhere.example"}"#, "ok", soon(3)) + "]}",
        #"{"id": 102, "data": {"id": "j01", "key": "j11"}, "annotations": ["#
          + annotation("7", "bridge", plusOneHour(soon(2))) + ", " + annotation("9", "ok", soon(3)) + "]}",
      ].joined(separator: ",\n") + "]"
    try Data(export.utf8).write(to: URL(fileURLWithPath: inputs + "/ls.json"))
    let before = try snapshot(root)
    let refused = try mlw(
      ["manager", "labels", "import", "joints", inputs + "/ls.json", "--format", "label-studio"], root: root, as: "mia", workspace: "demo")
    #expect(
      refused.status == 3 && refused.stderr.contains("1 Label Studio user(s) match no member: zed@elsewhere.example (user 9)"), "\(refused.stderr)")
    #expect(refused.stderr.contains("--annotators") && refused.stderr.split(separator: "\n").count == 1)
    #expect(try snapshot(root) == before)

    // A map naming someone who is not a member is refused too.
    try Data("labelstudio,member\nzed@elsewhere.example,zed\n".utf8).write(to: URL(fileURLWithPath: inputs + "/bad-map.csv"))
    let badMap = try mlw(
      ["manager", "labels", "import", "joints", inputs + "/ls.json", "--format", "label-studio", "--annotators", inputs + "/bad-map.csv"], root: root,
      as: "mia", workspace: "demo")
    #expect(badMap.status == 3 && badMap.stderr.contains("line 2: 'zed' is not a member"), "\(badMap.stderr)")

    try Data("labelstudio,member\n9,cy\n".utf8).write(to: URL(fileURLWithPath: inputs + "/map.csv"))
    let imported = try mlw(
      ["manager", "labels", "import", "joints", inputs + "/ls.json", "--format", "label-studio", "--annotators", inputs + "/map.csv", "--json"],
      root: root, as: "mia", workspace: "demo")
    #expect(imported.status == 0, "\(imported.stderr)")
    #expect(imported.json?["annotators"] == .object(["bo": .int(2), "ann": .int(1), "cy": .int(2)]))
    // The guidelines were published today: bo's label of January 2026 was made before them.
    #expect(imported.json?["external"] == .int(1) && imported.json?["underGuidelines"] == .object(["1": .int(4)]))

    let soon2 = soon(2)
    // The raw export has the dataset's ids, the members and Label Studio's times.
    let raw = try mlw(["manager", "export", "joints", "--kind", "raw", "--format", "jsonl"], root: root, as: "mia", workspace: "demo")
    let rows = raw.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(Array($0.utf8)) }
    let byKey = Dictionary(uniqueKeysWithValues: rows.map { ("\($0["item"]!.stringValue!)/\($0["annotator"]!.stringValue!)", $0) })
    #expect(Set(byKey.keys) == ["j00/bo", "j00/ann", "j00/cy", "j01/bo", "j01/cy"], "\(raw.stdout)")
    #expect(byKey["j00/bo"]?["time"] == .string("2026-01-05T10:00:00Z") && byKey["j00/bo"]?["guidelines"] == .int(0))
    #expect(byKey["j01/bo"]?["time"] == .string(soon2) && byKey["j01/bo"]?["guidelines"] == .int(1))
    let item = try mlw(["manager", "item", "show", "joints", "j00"], root: root, as: "mia", workspace: "demo")
    #expect(item.stdout.contains("imported") && item.stdout.contains("2026-01-05"), "\(item.stdout)")

    // --item-field keys by another field of the data.
    let other = try mlw(
      [
        "manager", "labels", "import", "joints", inputs + "/ls.json", "--format", "label-studio", "--annotators", inputs + "/map.csv",
        "--item-field", "key", "--json",
      ], root: root, as: "mia", workspace: "demo")
    #expect(other.status == 0 && other.json?["items"] == .int(2), "\(other.stderr)")
    let afterOther = try mlw(["manager", "item", "show", "joints", "j10", "--json"], root: root, as: "mia", workspace: "demo").json
    #expect(afterOther?["labels"]?.arrayValue?.count == 3)
    // A misspelt field is refused, not keyed by task id.
    let misspelt = try mlw(
      [
        "manager", "labels", "import", "joints", inputs + "/ls.json", "--format", "label-studio", "--annotators", inputs + "/map.csv", "--item-field",
        "kee",
      ],
      root: root, as: "mia", workspace: "demo")
    #expect(misspelt.status == 3 && misspelt.stderr.contains("task 1 has no data.kee (--item-field)"), "\(misspelt.stderr)")
    // Odd exports: one user id with two e-mails, a numeric or future created_at.
    func exportFile(_ tasks: String) throws -> String {
      let path = inputs + "/odd-\(tasks.hashValue).json"
      try Data(tasks.utf8).write(to: URL(fileURLWithPath: path))
      return path
    }
    let odd: [(String, String)] = [
      (
        "[{\"id\": 1, \"data\": {\"id\": \"j02\"}, \"annotations\": [" + annotation(#"{"id": 7, "email": "bo@lab.example"}"#, "ok", soon(4))
          + "]}, {\"id\": 2, \"data\": {\"id\": \"j03\"}, \"annotations\": [" + annotation(#"{"id": 7, "email": "ann@lab.example"}"#, "ok", soon(4))
          + "]}]", "Label Studio user 7 is ann@lab.example here and bo@lab.example elsewhere"
      ),
      (
        #"[{"id": 1, "data": {"id": "j02"}, "annotations": [{"completed_by": {"id": 7, "email": "bo@lab.example"}, "created_at": 1732528800, "result": [{"value": {"choices": ["ok"]}}]}]}]"#,
        "created_at is not a time text"
      ),
      (
        "[{\"id\": 1, \"data\": {\"id\": \"j02\"}, \"annotations\": ["
          + annotation(#"{"id": 7, "email": "bo@lab.example"}"#, "ok", "9999-12-31T23:59:59Z")
          + "]}]", "is in the future"
      ),
    ]
    for (text, message) in odd {
      let refused = try mlw(
        ["manager", "labels", "import", "joints", try exportFile(text), "--format", "label-studio"], root: root, as: "mia", workspace: "demo")
      #expect(refused.status == 3 && refused.stderr.contains(message), "\(refused.stderr)")
    }
    // A label that would replace one the member gave already is refused unless --replace.
    let changed = try exportFile(
      "[{\"id\": 1, \"data\": {\"id\": \"j00\"}, \"annotations\": [" + annotation(#"{"id": 7, "email": "bo@lab.example"}"#, "void", soon(5))
        + "]}]")
    let before2 = try snapshot(root)
    let replacing = try mlw(["manager", "labels", "import", "joints", changed, "--format", "label-studio"], root: root, as: "mia", workspace: "demo")
    #expect(
      replacing.status == 3 && replacing.stderr.contains("1 of these labels would replace labels their members gave already (bo on 'j00'"),
      "\(replacing.stderr)")
    #expect(try snapshot(root) == before2)
    let replaced = try mlw(
      ["manager", "labels", "import", "joints", changed, "--format", "label-studio", "--replace", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(replaced.status == 0 && replaced.json?["replaced"] == .int(1), "\(replaced.stderr)")
    let wrongFormat = try mlw(
      ["manager", "labels", "import", "joints", inputs + "/ls.json", "--item-field", "key"], root: root, as: "mia", workspace: "demo")
    #expect(wrongFormat.status == 2 && wrongFormat.stderr.contains("--format label-studio"))
  }
}
