import Foundation
import Lifecycle
import Statistics
import Testing
import VersionedStore

private func write(_ text: String, to path: String) throws {
  try Data(text.utf8).write(to: URL(fileURLWithPath: path))
}

/// A demo root with a label schema, dataset `joints` (j00–j09) and labels from three outside
/// annotators: j00 a tie (ok, bridge), j01–j09 a majority.
private func trainingRoot() throws -> (root: String, inputs: String) {
  let root = try makeDemoRoot()
  let inputs = makeTemporaryFolder("mlw-run-inputs")
  #expect(
    try mlw(
      ["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bridge=joined"], root: root, as: "mia",
      workspace: "demo"
    )
    .status == 0)
  try write("id,image\n" + (0..<10).map { "j0\($0),b\($0).png\n" }.joined(), to: inputs + "/items.csv")
  var labels = "item,annotator,label\nj00,x1,ok\nj00,x2,bridge\n"
  for i in 1..<10 { labels += "j0\(i),x1,ok\nj0\(i),x2,ok\nj0\(i),x3,\(i % 3 == 0 ? "bridge" : "ok")\n" }
  try write(labels, to: inputs + "/labels.csv")
  for step in [
    ["manager", "dataset", "import", "joints", inputs + "/items.csv"], ["manager", "labels", "import", "joints", inputs + "/labels.csv"],
  ] {
    let result = try mlw(step, root: root, as: "mia", workspace: "demo")
    #expect(result.status == 0, "\(result.stderr)")
  }
  return (root, inputs)
}

private func engineer(_ words: [String], _ root: String) throws -> RunResult {
  try mlw(words, root: root, as: "eve", workspace: "demo")
}

@Suite struct RunCommandTests {
  @Test func aRunPinsTheDatasetVersionItsLabelsAndSplitsAndALaterAdjudicationChangesNothingItSaw() throws {
    let (root, _) = try trainingRoot()
    let started = try engineer(
      ["engineer", "run", "start", "r1", "--dataset", "joints", "--split-rule", "train=0.8,dev=0.2", "--seed", "7", "--code", "0123abc", "--json"],
      root)
    #expect(started.status == 0, "\(started.stderr)")
    let run = try #require(started.json)
    #expect(run["dataset"]?["name"]?.stringValue == "joints")
    #expect(run["dataset"]?["version"]?.intValue == 1)
    #expect(run["dataset"]?["sha256"]?.stringValue?.hasPrefix("sha256:") == true)
    #expect(run["labels"]?["items"]?.intValue == 9)  // j00 is a tie, left out
    #expect(run["labels"]?["ties"]?.intValue == 1)
    #expect(run["labels"]?["sources"]?["majority"]?.intValue == 9)
    // Whose labels were there: x1 and x2 labelled all ten items, x3 nine.
    #expect(run["labels"]?["annotators"] == .object(["x1": .int(10), "x2": .int(10), "x3": .int(9)]))
    #expect(run["splits"]?["counts"]?["train"]?.intValue == 8)
    #expect(run["splits"]?["counts"]?["dev"]?.intValue == 2)
    let snapshot = try #require(run["labels"]?["sha256"]?.stringValue)
    let file = root + "/demo/content/sha256-" + snapshot.dropFirst(7) + ".ndjson"
    let before = try String(contentsOfFile: file, encoding: .utf8)
    #expect(!before.contains("\"j00\""))
    #expect(before.contains(#"{"item":"j03","label":"ok","source":"majority"}"#))

    // The same seed draws the same splits; another seed others.
    let again = try engineer(
      ["engineer", "run", "start", "r2", "--dataset", "joints@1", "--split-rule", "train=0.8,dev=0.2", "--seed", "7", "--json"], root)
    #expect(again.json?["splits"]?["sha256"] == run["splits"]?["sha256"])
    let other = try engineer(
      ["engineer", "run", "start", "r3", "--dataset", "joints", "--split-rule", "train=0.8,dev=0.2", "--seed", "8", "--json"], root)
    #expect(other.json?["splits"]?["sha256"] != run["splits"]?["sha256"])

    // An adjudication later: a new run sees it, r1's snapshot is what it was.
    #expect(
      try mlw(["manager", "adjudicate", "joints", "j00", "bridge", "--reason", "checked"], root: root, as: "mia", workspace: "demo").status == 0)
    let after = try engineer(["engineer", "run", "start", "r4", "--dataset", "joints", "--json"], root)
    #expect(after.json?["labels"]?["items"]?.intValue == 10)
    #expect(after.json?["labels"]?["sha256"] != run["labels"]?["sha256"])
    #expect(try String(contentsOfFile: file, encoding: .utf8) == before)
    #expect(try engineer(["engineer", "run", "show", "r1", "--json"], root).json?["labels"]?["sha256"]?.stringValue == snapshot)
  }

  @Test func splitsFromAFileAreCheckedAndAnItemInTwoSplitsIsRefusedAsLeakage() throws {
    let (root, inputs) = try trainingRoot()
    try write("item,split\nj00,train\nj01,train\nj02,dev\n", to: inputs + "/splits.csv")
    let ok = try engineer(["engineer", "run", "start", "f1", "--dataset", "joints", "--splits", inputs + "/splits.csv", "--json"], root)
    #expect(ok.status == 0, "\(ok.stderr)")
    #expect(ok.json?["splits"]?["counts"]?["train"]?.intValue == 2)
    #expect(ok.json?["splits"]?["unassigned"]?.intValue == 7)
    #expect(ok.json?["splits"]?["file"]?.stringValue == inputs + "/splits.csv")

    let cases: [(String, String)] = [
      ("item,split\nj00,train\nj01,dev\nj00,test\n", "item 'j00' is in 'train' (line 2) and in 'test': an item in two splits leaks"),
      ("item,split\nj00,train\nzz,dev\n", "line 3: item 'zz' is not in dataset 'joints'"),
      ("item,split\nj00,Train\n", "split 'Train' must be a name"),
      ("item,part\nj00,train\n", "needs the column 'split'"),
    ]
    for (text, message) in cases {
      try write(text, to: inputs + "/bad.csv")
      let before = try snapshot(root)
      let refused = try engineer(["engineer", "run", "start", "bad", "--dataset", "joints", "--splits", inputs + "/bad.csv"], root)
      #expect(refused.status == 3, "\(text): \(refused.stderr)")
      #expect(refused.stderr.contains(message), "\(refused.stderr)")
      #expect(refused.stderr.split(separator: "\n").count == 1)
      #expect(try snapshot(root) == before, "\(text) stored something")
    }
  }

  @Test func badInputIsOneLineAndStoresNothing() throws {
    let (root, inputs) = try trainingRoot()
    #expect(try engineer(["engineer", "run", "start", "r1", "--dataset", "joints"], root).status == 0)
    try write("{\"metric\":\"loss\",\"value\":0.5}\n{\"metric\":\"loss\",\"value\":\"high\"}\n", to: inputs + "/points.jsonl")
    let cases: [([String], Int32, String)] = [
      (["engineer", "run", "start", "r2", "--dataset", "joints@9"], 4, "version 9"),
      (["engineer", "run", "start", "r2", "--dataset", "nope"], 4, "nope"),
      (["engineer", "run", "start", "r1", "--dataset", "joints"], 6, "exists already"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--split-rule", "train=0.8,dev=0.1"], 3, "a drawn split needs --seed"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--split-rule", "train=0.8,dev=0.1", "--seed", "1"], 3, "add up to 0.9"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--code", "not-a-commit"], 3, "is not a git commit"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--split-rule", "a=0.5,b=0.5", "--seed", "18446744073709551615"], 3, "2^63 - 1"),
      (
        ["engineer", "run", "start", "r2", "--dataset", "joints", "--split-rule", "train=1e-12,dev=1", "--seed", "1"], 3, "'train' would get no item"
      ),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--param", "lr"], 3, "not KEY=VALUE"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--param", "lr=1", "--param", "lr=2"], 3, "given twice"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--parent", "ghost"], 4, "run 'ghost'"),
      (["engineer", "run", "start", "r2", "--dataset", "joints", "--repo", inputs], 3, "not a git working tree"),
      (["engineer", "run", "start", "../x", "--dataset", "joints"], 3, "run id"),
      (["engineer", "run", "log", "r1", "--metric", "loss=fast"], 3, "'fast' is not a number"),
      (["engineer", "run", "log", "r1", "--metric", "loss=1e999"], 3, "is not a number"),
      (["engineer", "run", "log", "r1", "--metric", "loss.min=1"], 3, "metric name"),
      (["engineer", "run", "log", "r1", "--metric", "loss=1", "--step=-1"], 3, "below 0"),
      (["engineer", "run", "log", "r1", "--file", inputs + "/points.jsonl"], 3, "line 2"),
      (["engineer", "run", "log", "ghost", "--metric", "loss=1"], 4, "run 'ghost'"),
      (["engineer", "run", "list", "--filter", "metrics.dev.f1 > 0.8 and"], 3, "at the end"),
      (["engineer", "run", "list", "--filter", "metrics.f1 >> 2"], 3, "column 13: expected a value, found '>'"),
      (["engineer", "run", "list", "--filter", "params.lr = 'x"], 3, "column 13: the text that starts here is not closed"),
      (["engineer", "run", "list", "--filter", "colour = 'red'"], 3, "unknown field 'colour'"),
      (["engineer", "run", "list", "--sort", "metrics.f1:up"], 3, "asc or desc"),
      (["engineer", "run", "list", "--limit", "0"], 3, "below 1"),
      (["engineer", "run", "compare", "r1"], 3, "at least two"),
      (["engineer", "run", "compare", "r1", "r1"], 3, "named twice"),
      (["engineer", "run", "artifact", "r1", inputs + "/none.bin"], 3, "no such file"),
      (["engineer", "run", "artifact", "r1", "--uri", "s3://b/m", "--sha256", "abc", "--name", "m"], 3, "sha256"),
      (["engineer", "run", "finish", "r1", "--status", "running"], 2, "running"),
    ]
    for (words, status, message) in cases {
      let before = try snapshot(root)
      let result = try engineer(words, root)
      #expect(result.status == status, "\(words): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(message), "\(words): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1, "\(words): \(result.stderr)")
      #expect(try snapshot(root) == before, "\(words) stored something")
    }
    // A byte order mark (as some editors write) is no error, as for every other file mlw reads.
    try write("\u{FEFF}{\"metric\":\"loss\",\"value\":0.5}\n", to: inputs + "/bom.jsonl")
    let bom = try engineer(["engineer", "run", "log", "r1", "--file", inputs + "/bom.jsonl"], root)
    #expect(bom.status == 0, "\(bom.stderr)")
    #expect(try engineer(["engineer", "run", "finish", "r1"], root).status == 0)
    let late = try engineer(["engineer", "run", "log", "r1", "--metric", "loss=1"], root)
    #expect(late.status == 3 && late.stderr.contains("is finished"), "\(late.stderr)")
    let twice = try engineer(["engineer", "run", "finish", "r1"], root)
    #expect(twice.status == 3 && twice.stderr.contains("ended already"), "\(twice.stderr)")
  }

  @Test func pointsThatAreNotFiniteAreKeptAndTheFiguresFollowEachMetricsDirection() throws {
    let (root, inputs) = try trainingRoot()
    #expect(
      try engineer(["engineer", "run", "start", "r1", "--dataset", "joints", "--split-rule", "train=0.5,dev=0.5", "--seed", "1"], root).status == 0)
    try write(
      """
      {"metric":"loss","value":0.9,"step":1,"split":"train","time":"2026-01-01T00:00:00Z"}
      {"metric":"loss","value":0.4,"step":2,"split":"train"}
      {"metric":"loss","value":"NaN","step":3,"split":"train"}
      {"metric":"f1","value":0.6,"step":1,"split":"dev","time":1767225600}
      {"metric":"f1","value":0.8,"step":2,"split":"dev"}
      {"metric":"f1","value":0.7,"step":3,"split":"dev"}
      {"metric":"loss","value":"Infinity"}

      """, to: inputs + "/points.jsonl")
    let logged = try engineer(["engineer", "run", "log", "r1", "--file", inputs + "/points.jsonl"], root)
    #expect(logged.status == 0, "\(logged.stderr)")
    #expect(logged.stdout.contains("logged 7 points"))
    let log = try String(contentsOfFile: root + "/demo/runs/r1/metrics.jsonl", encoding: .utf8)
    #expect(log.contains(#""value":"NaN""#) && log.contains(#""value":"Infinity""#))
    #expect(log.contains(#""time":"2026-01-01T00:00:00Z""#))
    let shown = try #require(try engineer(["engineer", "run", "show", "r1", "--json"], root).json?["metrics"]?.arrayValue)
    func figures(_ name: String) -> JSONValue? { shown.first { $0["name"]?.stringValue == name } }
    #expect(figures("train.loss")?["last"]?.stringValue == "NaN")
    #expect(figures("train.loss")?["best"]?.doubleValue == 0.4)
    #expect(figures("train.loss")?["direction"]?.stringValue == "lower")
    #expect(figures("dev.f1")?["last"]?.doubleValue == 0.7)
    #expect(figures("dev.f1")?["best"]?.doubleValue == 0.8)
    #expect(figures("loss")?["last"]?.stringValue == "Infinity")
    #expect(
      try engineer(["engineer", "run", "log", "r1", "--metric", "f1=0.5", "--split", "test"], root).stderr.contains("has the splits dev, train"))
    // A line edited by hand (spaces, another key order) is read by the full parser; one that is
    // not JSON is corrupt, named by its line; a torn last line is left out.
    let path = root + "/demo/runs/r1/metrics.jsonl"
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    let edited =
      #"{"seq": 99, "role": "engineer", "time": "2026-01-02T00:00:00Z", "author": "eve", "body": {"value": 0.95, "step": 9, "split": "dev", "metric": "f1"}}"#
    handle.write(Data((edited + "\n").utf8))
    handle.write(Data(#"{"seq":100,"author":"eve","body":{"metric":"f1","split":"dev","step":10,"value":0.1"#.utf8))  // torn
    try handle.close()
    let read = try engineer(["engineer", "run", "show", "r1", "--json"], root).json?["metrics"]?.arrayValue ?? []
    let devF1 = try #require(read.first { $0["name"]?.stringValue == "dev.f1" })
    #expect(devF1["last"]?.doubleValue == 0.95 && devF1["lastStep"]?.intValue == 9 && devF1["points"]?.intValue == 4, "\(devF1)")
    // One metric's whole history, in log order: canonical and hand-edited lines, NaN kept, the
    // torn line left out; read by the lead too; an unknown metric names those there are.
    let history = try engineer(["engineer", "run", "history", "r1", "dev.f1", "--json"], root)
    #expect(history.status == 0, "\(history.stderr)")
    let h = try #require(history.json)
    #expect(h["points"]?.intValue == 4 && h["direction"]?.stringValue == "higher")
    #expect(h["values"]?.arrayValue?.compactMap(\.doubleValue) == [0.6, 0.8, 0.7, 0.95])
    #expect(h["steps"]?.arrayValue?.compactMap(\.intValue) == [1, 2, 3, 9])
    #expect(h["times"]?.arrayValue?.first?.stringValue == "2026-01-01T00:00:00Z")
    #expect(h["times"]?.arrayValue?.last?.stringValue == "2026-01-02T00:00:00Z")
    let loss = try #require(try engineer(["engineer", "run", "history", "r1", "train.loss", "--json"], root).json)
    #expect(loss["values"]?.arrayValue?.last?.stringValue == "NaN" && loss["direction"]?.stringValue == "lower")
    let noStep = try #require(try engineer(["engineer", "run", "history", "r1", "loss", "--json"], root).json)
    #expect(noStep["steps"]?.arrayValue == [.null] && noStep["values"]?.arrayValue?.first?.stringValue == "Infinity")
    let text = try mlw(["lead", "run", "history", "r1", "dev.f1"], root: root, as: "ana", workspace: "demo")
    #expect(text.status == 0 && text.stdout.hasPrefix("dev.f1 of run r1: 4 points, higher is better\n"), "\(text.stdout)")
    #expect(text.stdout.contains("STEP") && text.stdout.contains("0.95"))
    let unknown = try engineer(["engineer", "run", "history", "r1", "dev.recall"], root)
    #expect(unknown.status == 4 && unknown.stderr.contains("it has: dev.f1, loss, train.loss"), "\(unknown.stderr)")
    let annotator = try mlw(["engineer", "run", "history", "r1", "dev.f1"], root: root, as: "ann", workspace: "demo")
    #expect(annotator.status == 5, "\(annotator.stderr)")
    try Data((try String(contentsOfFile: path, encoding: .utf8) + "\nnot json\n").utf8).write(to: URL(fileURLWithPath: path))
    let broken = try engineer(["engineer", "run", "show", "r1"], root)
    #expect(broken.status == 7 && broken.stderr.contains("is not JSON"), "\(broken.stderr)")
  }

  @Test func listFiltersSortsAndComparesByEachMetricsDirection() throws {
    let (root, _) = try trainingRoot()
    let runs: [(String, [String], [String])] = [
      ("a", ["lr=0.001", "optimizer=adam"], ["f1=0.70", "loss=0.50"]),
      ("b", ["lr=0.0003", "optimizer=sgd"], ["f1=0.85", "loss=0.30"]),
      ("c", ["lr=0.01", "optimizer=adam"], ["f1=0.90", "loss=0.45"]),
    ]
    for (id, params, metrics) in runs {
      let words =
        ["engineer", "run", "start", id, "--dataset", "joints", "--tag", "stage=\(id == "a" ? "debug" : "main")"]
        + params.flatMap { ["--param", $0] }
      #expect(try engineer(words, root).status == 0)
      #expect(try engineer(["engineer", "run", "log", id, "--split", "dev"] + metrics.flatMap { ["--metric", $0] }, root).status == 0)
    }
    func ids(_ filter: String, sort: String? = nil) throws -> [String] {
      let result = try engineer(["engineer", "run", "list", "--filter", filter, "--json"] + (sort.map { ["--sort", $0] } ?? []), root)
      #expect(result.status == 0, "\(filter): \(result.stderr)")
      return result.json?["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
    }
    #expect(try ids("metrics.dev.f1 > 0.8", sort: "id") == ["b", "c"])
    #expect(try ids("params.optimizer = 'adam' or params.lr in (0.0003)", sort: "id") == ["a", "b", "c"])
    #expect(try ids("params.optimizer = 'adam' and not tags.stage = 'debug'") == ["c"])
    #expect(try ids("metrics.dev.f1 > 0.8 or params.lr = 0.001 and tags.stage = 'main'", sort: "id") == ["b", "c"])  // and binds first
    #expect(try ids("(metrics.dev.f1 > 0.8 or params.lr = 0.001) and tags.stage = 'main'", sort: "id") == ["b", "c"])
    #expect(try ids("metrics.dev.recall is missing and dataset = 'joints' and dataset = 'joints@1'", sort: "id") == ["a", "b", "c"])
    #expect(try ids("metrics.dev.loss.best < 0.4") == ["b"])
    #expect(try ids("params.lr = 'adam'").isEmpty)  // a number never equals a text
    // Best first by direction: f1 descends, loss ascends.
    #expect(try ids("status = 'running'", sort: "metrics.dev.f1") == ["c", "b", "a"])
    #expect(try ids("status = 'running'", sort: "metrics.dev.loss") == ["b", "c", "a"])
    #expect(try ids("status = 'running'", sort: "metrics.dev.loss:desc") == ["a", "c", "b"])

    // Numbers are typed only where the text is one as written.
    let typed = try #require(
      try engineer(
        [
          "engineer", "run", "start", "t", "--dataset", "joints", "--param", "zip=0001", "--param", "tiny=1e-400", "--param",
          "big=18446744073709551616", "--param", "n=7", "--json",
        ],
        root
      ).json)
    #expect(typed["params"]?["zip"] == .string("0001") && typed["params"]?["tiny"] == .string("1e-400"))
    #expect(typed["params"]?["big"] == .string("18446744073709551616") && typed["params"]?["n"] == .int(7))
    let listed = try #require(try engineer(["engineer", "run", "list", "--json", "--limit", "1", "--sort", "id"], root).json)
    #expect(listed["matched"]?.intValue == 4)
    let row = try #require(listed["runs"]?.arrayValue?.first?.objectValue)
    #expect(Set(row.keys).isSuperset(of: ["id", "status", "author", "started", "dataset", "params", "tags", "metrics"]))
    #expect(row["dataset"]?.stringValue == "joints@1")
    #expect(row["params"]?["lr"] == .double(0.001))
    #expect(row["metrics"]?["dev.f1"]?.doubleValue == 0.7)

    let compared = try #require(try engineer(["engineer", "run", "compare", "a", "b", "c", "--json"], root).json)
    let metrics = try #require(compared["metrics"]?.arrayValue)
    #expect(metrics.first { $0["name"]?.stringValue == "dev.f1" }?["bestRun"]?.stringValue == "c")
    #expect(metrics.first { $0["name"]?.stringValue == "dev.loss" }?["bestRun"]?.stringValue == "b")
    let changed = try #require(try engineer(["engineer", "run", "compare", "a", "c", "--only-changed", "--json"], root).json)
    #expect(changed["params"]?.arrayValue?.compactMap { $0["field"]?.stringValue } == ["lr"])
    let text = try engineer(["engineer", "run", "compare", "a", "b"], root)
    #expect(text.stdout.contains("0.85 / 0.85 *"), "\(text.stdout)")

    // Leads and SMEs read runs; they do not start them; annotators neither.
    #expect(try mlw(["lead", "run", "list"], root: root, as: "ana", workspace: "demo").stdout.contains("4 runs"))
    #expect(try mlw(["sme", "run", "show", "b"], root: root, as: "sam", workspace: "demo").status == 0)
    #expect(try mlw(["engineer", "run", "start", "x", "--dataset", "joints"], root: root, as: "ana", workspace: "demo").status == 5)
    #expect(try mlw(["engineer", "run", "list"], root: root, as: "ann", workspace: "demo").status == 5)
  }

  @Test func anArtifactIsStoredOnceByItsHash() throws {
    let (root, inputs) = try trainingRoot()
    try write(String(repeating: "weights", count: 1000), to: inputs + "/model.pt")
    for id in ["a", "b"] {
      #expect(try engineer(["engineer", "run", "start", id, "--dataset", "joints"], root).status == 0)
      let added = try engineer(["engineer", "run", "artifact", id, inputs + "/model.pt", "--json"], root)
      #expect(added.status == 0, "\(added.stderr)")
      #expect(added.json?["artifact"]?["name"]?.stringValue == "model.pt")
      #expect(added.json?["artifact"]?["bytes"]?.intValue == 7000)
    }
    let stored = try FileManager.default.contentsOfDirectory(atPath: root + "/demo/content").filter { $0.hasSuffix(".bin") }
    #expect(stored.count == 1)
    let again = try engineer(["engineer", "run", "artifact", "a", inputs + "/model.pt"], root)
    #expect(again.status == 6 && again.stderr.contains("artifact 'model.pt'"), "\(again.stderr)")
    let elsewhere = try engineer(
      [
        "engineer", "run", "artifact", "a", "--name", "big", "--uri", "s3://models/big.pt", "--sha256",
        "sha256:" + String(repeating: "ab", count: 32),
      ], root)
    #expect(elsewhere.status == 0, "\(elsewhere.stderr)")
    #expect(try engineer(["engineer", "run", "show", "a", "--json"], root).json?["artifacts"]?.arrayValue?.count == 2)
    // A stored artifact changed by hand is corrupt to fsck.
    try write("tampered", to: root + "/demo/content/" + stored[0])
    let checked = try mlw(["fsck"], root: root)
    #expect(checked.status == 1 && checked.stdout.contains("no longer hashes to its name"), "\(checked.stdout)")
  }
}

@Suite struct RunEvaluationTests {
  /// A run with splits train (j00–j04 drawn by seed… no: given) and dev, from a file.
  private func evaluatedRoot() throws -> (root: String, inputs: String) {
    let (root, inputs) = try trainingRoot()
    try write(
      "item,split\nj00,train\nj01,train\nj02,train\nj03,train\nj04,dev\nj05,dev\nj06,dev\nj07,dev\nj08,dev\nj09,dev\n", to: inputs + "/splits.csv")
    #expect(try engineer(["engineer", "run", "start", "r1", "--dataset", "joints", "--splits", inputs + "/splits.csv"], root).status == 0)
    return (root, inputs)
  }

  @Test func anEvaluationReportsPerClassAndSliceFiguresUnderThePolicyAndAgainstTheBaselines() throws {
    let (root, inputs) = try evaluatedRoot()
    #expect(
      try mlw(
        ["lead", "metric-policy", "set", "--metric", "f1", "--slice-bar", "recall[bridge]>=0.5", "--slice-bar", "accuracy[side]~0.3"], root: root,
        as: "ana", workspace: "demo"
      ).status == 0)
    #expect(
      try mlw(
        [
          "sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "3 inspectors", "--metric",
          "error=2%", "--source", "study",
        ],
        root: root, as: "sam", workspace: "demo"
      ).status == 0)
    // Truth from the snapshot: j04 ok, j05 ok, j06 bridge (x3 said bridge, but majority ok)… the
    // snapshot says: j03, j06, j09 are majority ok (two ok, one bridge); so every dev item is ok.
    // A truth column makes the example readable instead.
    try write(
      """
      item,prediction,truth,side
      j04,ok,ok,top
      j05,bridge,bridge,top
      j06,ok,bridge,bottom
      j07,ok,ok,bottom
      j08,bridge,ok,top
      j09,ok,ok,bottom

      """, to: inputs + "/dev.csv")
    let result = try engineer(
      ["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.csv", "--slice", "side", "--json"], root)
    #expect(result.status == 0, "\(result.stderr)")
    let e = try #require(result.json?["evaluation"])
    // By hand: truth ok ok ok ok / bridge bridge; predicted ok: j04 j06 j07 j09, bridge: j05 j08.
    // accuracy 4/6; bridge: precision 1/2, recall 1/2; ok: precision 3/4, recall 3/4.
    #expect(e["metrics"]?["accuracy"]?.doubleValue == 4.0 / 6.0)
    #expect(e["metrics"]?["precision[bridge]"]?.doubleValue == 0.5)
    #expect(e["metrics"]?["recall[ok]"]?.doubleValue == 0.75)
    #expect(e["metrics"]?["f1"]?.doubleValue == (0.5 + 0.75) / 2)
    // Slices: top j04 j05 j08 → 2/3; bottom j06 j07 j09 → 2/3.
    #expect(e["metrics"]?["accuracy[side=top]"]?.doubleValue == 2.0 / 3.0)
    #expect(e["metrics"]?["accuracy[side=bottom]"]?.doubleValue == 2.0 / 3.0)
    #expect(e["truthFrom"]?.stringValue == "predictions")
    #expect(e["warnings"]?.arrayValue?.contains { $0.stringValue?.hasPrefix("not in the label schema") == true } == false)
    #expect(e["policy"]?["version"]?.intValue == 1)
    #expect(e["policy"]?["eligible"]?.boolValue == true)
    #expect(e["policy"]?["score"]?.doubleValue == 0.625)
    let hlp = try #require(e["baselines"]?.arrayValue?.first)
    #expect(hlp["metric"]?.stringValue == "error")
    #expect(hlp["baselineValue"]?.doubleValue == 0.02)
    #expect(hlp["beats"]?.boolValue == false)
    // The evaluation's headline figures are the run's dev metrics, their history included.
    let accuracy = try #require(try engineer(["engineer", "run", "history", "r1", "dev.accuracy", "--json"], root).json)
    #expect(accuracy["values"]?.arrayValue?.compactMap(\.doubleValue) == [4.0 / 6.0] && accuracy["evaluation"]?.intValue == 1, "\(accuracy)")
    // The headline figures become the run's metrics of the split.
    let listed = try engineer(["engineer", "run", "list", "--filter", "metrics.dev.accuracy > 0.6", "--json"], root)
    #expect(listed.json?["matched"]?.intValue == 1, "\(listed.stdout)")
    // A stricter bar makes it ineligible, naming the bar; the old evaluation keeps its verdict.
    #expect(
      try mlw(["lead", "metric-policy", "set", "--metric", "f1", "--slice-bar", "recall[bridge]>=0.9"], root: root, as: "ana", workspace: "demo")
        .status == 0)
    let shown = try engineer(["engineer", "run", "evaluation", "r1", "--split", "dev", "--json"], root)
    #expect(shown.json?["evaluation"]?["policy"]?["eligible"]?.boolValue == true)
    let again = try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.csv"], root)
    #expect(again.stdout.contains("not eligible: recall[bridge] >= 0.9"), "\(again.stdout)")
    #expect(again.stdout.contains("metric policy v2"), "\(again.stdout)")
    // JSON Lines predictions are stored as content too, and fsck knows them from logs.
    let lines = ["j04,ok,ok,top", "j05,bridge,bridge,top", "j06,ok,bridge,bottom", "j07,ok,ok,bottom", "j08,bridge,ok,top", "j09,ok,ok,bottom"]
      .map { line -> String in
        let f = line.split(separator: ",")
        return #"{"item":"\#(f[0])","prediction":"\#(f[1])","truth":"\#(f[2])","side":"\#(f[3])"}"#
      }
    try write(lines.joined(separator: "\n") + "\n", to: inputs + "/dev.jsonl")
    #expect(try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.jsonl"], root).status == 0)
    let checked = try mlw(["fsck"], root: root)
    #expect(checked.status == 0, "\(checked.stdout)")
    // The predictions are stored by their hash.
    let hash = try #require(e["predictions"]?.stringValue)
    #expect(FileManager.default.fileExists(atPath: root + "/demo/content/sha256-" + hash.dropFirst(7) + ".csv"))
  }

  @Test func theTruthComesFromTheRunsLabelSnapshotAndTheDiagnosisFollowsTrainAndDev() throws {
    let (root, inputs) = try evaluatedRoot()
    #expect(
      try mlw(
        [
          "sme", "baseline", "add", "hlp", "--type", "human-level", "--quality", "domain-expert", "--measured", "3 inspectors", "--metric",
          "error=0.01", "--source", "study",
        ],
        root: root, as: "sam", workspace: "demo"
      ).status == 0)
    // Every labelled item's consensus is ok except none (ties left out: j00 is in train, no label).
    try write("item,prediction\nj01,ok\nj02,ok\nj03,ok\n", to: inputs + "/train.csv")
    try write("item,prediction\nj04,ok\nj05,ok\nj06,bridge\nj07,ok\nj08,ok\nj09,bridge\n", to: inputs + "/dev.csv")
    let train = try engineer(["engineer", "run", "evaluate", "r1", "--split", "train", "--predictions", inputs + "/train.csv", "--json"], root)
    #expect(train.status == 0, "\(train.stderr)")
    #expect(train.json?["evaluation"]?["truthFrom"]?.stringValue == "label-snapshot")
    #expect(train.json?["diagnosisNote"]?.stringValue?.contains("train and dev") == true)
    let dev = try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.csv", "--json"], root)
    #expect(dev.status == 0, "\(dev.stderr)")
    #expect(dev.json?["evaluation"]?["metrics"]?["accuracy"]?.doubleValue == 4.0 / 6.0)
    let diagnosis = try #require(dev.json?["diagnosis"])
    #expect(diagnosis["trainError"]?.doubleValue == 0)
    #expect(diagnosis["humanError"]?.doubleValue == 0.01)
    #expect(diagnosis["focus"]?.stringValue == "variance")
    // j00 (a tie in the snapshot) needs a truth column.
    try write("item,prediction\nj00,ok\n", to: inputs + "/tie.csv")
    let tie = try engineer(["engineer", "run", "evaluate", "r1", "--split", "train", "--predictions", inputs + "/tie.csv"], root)
    #expect(tie.status == 3 && tie.stderr.contains("item 'j00' has no label in run 'r1''s snapshot"), "\(tie.stderr)")
  }

  /// The evaluation counts on the labels' numbers, column by column; its figures must be what
  /// the report of the same rows as texts gives, whole and per slice, with quoted fields, empty
  /// slice cells and labels that are numbers (ordered by value, not as text).
  @Test func figuresCountedByColumnAreTheReportOfTheRowsAsTexts() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-eval-random")
    let n = 400
    try write("id,x\n" + (0..<n).map { "p\($0),\($0)\n" }.joined(), to: inputs + "/items.csv")
    #expect(try mlw(["manager", "dataset", "import", "many", inputs + "/items.csv"], root: root, as: "mia", workspace: "demo").status == 0)
    #expect(try engineer(["engineer", "run", "start", "r", "--dataset", "many"], root).status == 0)
    var generator = SeededGenerator(seed: 5)
    // The last round: 110 classes and a slice value per row, whose cells are counted sparsely.
    let many = (0..<110).map { "c\($0)" }
    for (round, classes) in [["ok", "bridge", "void"], ["9", "10", "2"], ["a"], many].enumerated() {
      var text = "item,prediction,truth,line,side\n"
      var truth: [String] = []
      var prediction: [String] = []
      var slices: [[String]] = [[], []]
      for i in 0..<n {
        let t = classes[Int(generator.next() % UInt64(classes.count))]
        let p = generator.next() % 4 == 0 ? classes[Int(generator.next() % UInt64(classes.count))] : t
        let line = classes.count > 100 ? "l\(i)" : ["l1", "l2", "", "l,3"][Int(generator.next() % 4)]
        let side = i % 5 == 0 ? "top" : "bottom"
        truth.append(t)
        prediction.append(p)
        slices[0].append(line)
        slices[1].append(side)
        let quotedLine = line.contains(",") ? "\"\(line)\"" : line
        text += "p\(i),\(p),\(i % 9 == 0 ? "\"\(t)\"" : t),\(quotedLine),\(side)\n"
      }
      try write(text, to: inputs + "/pred\(round).csv")
      let result = try engineer(
        [
          "engineer", "run", "evaluate", "r", "--split", "all\(round)", "--predictions", inputs + "/pred\(round).csv", "--slice", "line", "--slice",
          "side", "--json",
        ], root)
      #expect(result.status == 0, "\(result.stderr)")
      let e = try #require(result.json?["evaluation"])
      let report = ClassificationReport.analyze(truth: truth, prediction: prediction)
      var (expected, undefined) = Evaluation.figures(of: report)
      for (c, column) in ["line", "side"].enumerated() {
        for value in Set(slices[c]) {
          let rows = slices[c].indices.filter { slices[c][$0] == value }
          let part = ClassificationReport.analyze(truth: rows.map { truth[$0] }, prediction: rows.map { prediction[$0] })
          if let v = part.accuracy.value { expected["accuracy[\(column)=\(value)]"] = v }
          if let v = part.macro.f1.value { expected["f1[\(column)=\(value)]"] = v } else { undefined["f1[\(column)=\(value)]"] = "" }
        }
      }
      let metrics = try #require(e["metrics"]?.objectValue)
      #expect(Set(metrics.keys) == Set(expected.keys), "classes \(classes)")
      for (name, value) in expected { #expect(metrics[name]?.doubleValue == value, "\(name) with classes \(classes)") }
      #expect(Set(e["undefined"]?.objectValue.map { Array($0.keys) } ?? []) == Set(undefined.keys))
      #expect(e["labels"]?.arrayValue?.compactMap(\.stringValue) == report.labels)
      #expect(e["confusionMatrix"]?.arrayValue?.map { $0.arrayValue?.compactMap(\.intValue) ?? [] } == report.confusionMatrix)
      #expect(e["slices"]?.arrayValue?.count == Set(slices[0]).count + Set(slices[1]).count)
    }
  }

  /// A column of ids or free text is no set of classes: more than 4,096 distinct labels is one
  /// line of refusal, not a confusion matrix of 16 million cells per 4,096 more.
  @Test func tooManyDistinctLabelsAreRefused() throws {
    let folder = makeTemporaryFolder("mlw-many-labels")
    try write("truth,prediction\n" + (0..<5000).map { "t\($0),p\($0)\n" }.joined(), to: folder + "/ids.csv")
    let refused = try mlw(["stats", "classification", folder + "/ids.csv"], root: folder)
    #expect(refused.status == 3 && refused.stderr.contains("10000 distinct labels, more than the 4096"), "\(refused.stderr)")
  }

  /// JSON Lines labels that are numbers keep their identity: a whole number is its integer's
  /// text (100, 100.0 and 1e2 are one label), one too large for a double to hold exactly is
  /// refused rather than merged with its neighbours; a first line that is no object says so.
  @Test func jsonLinesNumbersAreLabelsAsWrittenAndAFirstLineThatIsNoObjectSaysSo() throws {
    let (root, inputs) = try evaluatedRoot()
    let dev = ["j04", "j05", "j06", "j07", "j08", "j09"]
    func lines(_ prediction: (Int) -> String, _ truth: (Int) -> String) -> String {
      dev.enumerated().map { #"{"item":"\#($1)","prediction":\#(prediction($0)),"truth":\#(truth($0))}"# }.joined(separator: "\n") + "\n"
    }
    try write(lines({ ["100", "100.0", "1e2", "7", "7", "100"][$0] }, { _ in "100" }), to: inputs + "/numbers.jsonl")
    let merged = try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/numbers.jsonl", "--json"], root)
    #expect(merged.status == 0, "\(merged.stderr)")
    #expect(merged.json?["evaluation"]?["labels"] == .array([.string("7"), .string("100")]))
    #expect(merged.json?["evaluation"]?["metrics"]?["accuracy"]?.doubleValue == 4.0 / 6.0)
    let before = try snapshot(root)
    try write(
      lines({ $0 % 2 == 0 ? "12345678901234567890123" : "12345678901234567890124" }, { _ in "12345678901234567890123" }), to: inputs + "/big.jsonl")
    let big = try engineer(["engineer", "run", "evaluate", "r1", "--split", "train", "--predictions", inputs + "/big.jsonl"], root)
    #expect(big.status == 3 && big.stderr.contains("line 1: 'prediction' is a number too large to read exactly"), "\(big.stderr)")
    for (first, reason) in [
      ("[1,2]", "not a JSON object"), (#"{"item":"j04",}"#, "not a JSON object ("), (#"{"item":"j04","prediction":NaN}"#, "not a JSON object ("),
    ] {
      try write(first + "\n" + lines({ _ in "1" }, { _ in "1" }), to: inputs + "/first.jsonl")
      let bad = try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/first.jsonl"], root)
      #expect(bad.status == 3 && bad.stderr.contains("first.jsonl: line 1: \(reason)"), "\(first): \(bad.stderr)")
    }
    #expect(try snapshot(root) == before)
  }

  /// A line of a metric log that fsck calls corrupt is corrupt to every reader: a canonical line
  /// with a time that is none, a hand-written one with a negative step.
  @Test func metricLogLinesFsckRefusesAreRefusedByEveryReader() throws {
    let (root, _) = try trainingRoot()
    #expect(try engineer(["engineer", "run", "start", "h1", "--dataset", "joints"], root).status == 0)
    #expect(try engineer(["engineer", "run", "log", "h1", "--metric", "loss=0.5", "--split", "train", "--step", "1"], root).status == 0)
    let path = root + "/demo/runs/h1/metrics.jsonl"
    let good = try String(contentsOfFile: path, encoding: .utf8)
    for line in [
      #"{"author":"eve","body":{"metric":"loss","split":"train","step":2,"value":1},"role":"engineer","seq":3,"time":"yesterday"}"#,
      #"{"author":"eve","body":{"metric":"loss","split":"train","step":-5,"value":1},"role":"engineer","seq":3,"time":"2026-01-01T00:00:00Z"}"#,
      #"{"author":"eve","body":{"metric":"loss","split":"train","step":2,"value":1},"role":"engineer","time":"2026-01-01T00:00:00Z"}"#,
    ] {
      try Data((good + line + "\n").utf8).write(to: URL(fileURLWithPath: path))
      for words in [["engineer", "run", "history", "h1", "train.loss"], ["engineer", "run", "show", "h1"]] {
        let read = try engineer(words, root)
        #expect(read.status == 7 && read.stderr.contains("line 3"), "\(words[2]) of \(line): \(read.stderr)")
      }
      let fsck = try mlw(["fsck"], root: root, as: nil, workspace: nil)
      #expect(fsck.status != 0, "fsck on \(line): \(fsck.stdout)")
    }
  }

  @Test func badPredictionsAreOneLineAndStoreNothing() throws {
    let (root, inputs) = try evaluatedRoot()
    var many = "item,prediction,truth,zone\n"
    for i in 4..<10 { many += "j0\(i),ok,ok,z\(i)\n" }
    let cases: [(String, [String], String)] = [
      ("item,prediction\nj00,ok\n", [], "line 2: item 'j00' is not in split 'dev' of run 'r1'"),
      ("item,prediction,truth\nj04,ok,ok\nj04,ok,ok\n", [], "line 3: item 'j04' is listed twice (line 2 and here)"),
      ("item,prediction,truth,proba[ok],proba[bridge]\nj04,ok,ok,0.7,0.2\n", [], "line 2: the probabilities add up to 0.9"),
      ("item,prediction,truth,proba[ok],proba[bridge]\nj04,ok,ok,1.5,-0.5\n", [], "is not a probability"),
      ("item,prediction,truth,score\nj04,ok,ok,0.9\n", [], "a score column needs --positive"),
      ("item,prediction,truth,score\nj04,ok,ok,0.9\n", ["--positive", "defect"], "'defect' is no label of these predictions (they have ok)"),
      ("item,prediction,truth\nj04,ok,ok\n", ["--slice", "zone"], "--slice zone: no such column"),
      ("item,guess\nj04,ok\n", [], "needs the column 'prediction'"),
      ("item,prediction,truth,proba[ok]\nj04,bridge,bridge,1\n", [], "line 2: the truth 'bridge' of item 'j04' has no proba[bridge] column"),
      (
        "item,prediction\n" + String(repeating: "x", count: 100_000) + ",ok\n", [],
        "line 2: item '" + String(repeating: "x", count: 77) + "…' is not in"
      ),
      ("item,prediction,truth,proba[],proba[ok]\nj04,ok,ok,0,1\n", [], "the column proba[] names no class"),
      ("item,prediction,truth\nj04,ok,ok\nj05,ok,ok\n", [], "4 items of split 'dev' of run 'r1' have no prediction (j06, j07, j08, …)"),
    ]
    for (text, extra, message) in cases {
      try write(text, to: inputs + "/bad.csv")
      let before = try snapshot(root)
      let result = try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/bad.csv"] + extra, root)
      #expect(result.status == 3, "\(text): \(result.stderr)")
      #expect(result.stderr.contains(message), "\(text): \(result.stderr)")
      #expect(result.stderr.split(separator: "\n").count == 1)
      #expect(result.stderr.count < 400, "\(text.prefix(60)): a message of \(result.stderr.count) characters")
      #expect(try snapshot(root) == before, "\(text.prefix(60)) stored something")
    }
    let wrongSplit = try engineer(["engineer", "run", "evaluate", "r1", "--split", "test", "--predictions", inputs + "/bad.csv"], root)
    #expect(wrongSplit.status == 3 && wrongSplit.stderr.contains("has the splits dev, train, not 'test'"), "\(wrongSplit.stderr)")
    #expect(try engineer(["engineer", "run", "evaluation", "r1", "--split", "dev"], root).status == 4)
    _ = many
  }
}

@Suite struct ErrorAnalysisTests {
  /// Ng's speech-recognition table (Machine Learning Yearning; the Deep Learning Specialization):
  /// clean speech 94% accurate, human 95%, 60% of the data → gain 0.6 points; car noise
  /// 89/93/4% → 0.16; people noise 87/89/30% → 0.6; low bandwidth 70/70/6% → 0.
  @Test func reproducesNgsSpeechRecognitionTable() throws {
    let root = try makeDemoRoot()
    let inputs = makeTemporaryFolder("mlw-ng")
    let groups: [(tag: String, items: Int, errors: Int)] = [
      ("clean", 6000, 360), ("car-noise", 400, 44), ("people-noise", 3000, 390), ("low-bandwidth", 600, 180),
    ]
    var items = "id,clip\n"
    var predictions = "item,prediction,truth\n"
    var tags = "item,tag\n"
    var n = 0
    for group in groups {
      for i in 0..<group.items {
        let id = "u\(n)"
        n += 1
        items += "\(id),\(group.tag)-\(i).wav\n"
        predictions += "\(id),\(i < group.errors ? "wrong" : "right"),right\n"
        tags += "\(id),\(group.tag)\n"
      }
    }
    try write(items, to: inputs + "/items.csv")
    try write(predictions, to: inputs + "/dev.csv")
    try write(tags, to: inputs + "/tags.csv")
    #expect(try mlw(["manager", "dataset", "import", "speech", inputs + "/items.csv"], root: root, as: "mia", workspace: "demo").status == 0)
    let human = [
      "sme", "baseline", "add", "hlp-speech", "--type", "human-level", "--quality", "domain-expert", "--measured", "transcribers, 500 clips per tag",
      "--source", "study", "--metric", "accuracy[tag=clean]=95%", "--metric", "accuracy[tag=car-noise]=0.93", "--metric",
      "accuracy[tag=people-noise]=0.89", "--metric", "accuracy[tag=low-bandwidth]=0.70",
    ]
    let added = try mlw(human, root: root, as: "sam", workspace: "demo")
    #expect(added.status == 0, "\(added.stderr)")
    #expect(try engineer(["engineer", "run", "start", "asr", "--dataset", "speech"], root).status == 0)
    let evaluated = try engineer(["engineer", "run", "evaluate", "asr", "--split", "dev", "--predictions", inputs + "/dev.csv"], root)
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    let imported = try engineer(["engineer", "errors", "import", "asr", "--split", "dev", inputs + "/tags.csv"], root)
    #expect(imported.status == 0, "\(imported.stderr)")
    let report = try engineer(["engineer", "errors", "report", "asr", "--split", "dev", "--json"], root)
    #expect(report.status == 0, "\(report.stderr)")
    let rows = try #require(report.json?["tags"]?.arrayValue)
    func row(_ tag: String) -> JSONValue? { rows.first { $0["tag"]?.stringValue == tag } }
    let expected: [(String, Double, Double, Double, Double)] = [
      ("clean", 0.94, 0.95, 0.6, 0.006), ("car-noise", 0.89, 0.93, 0.04, 0.0016), ("people-noise", 0.87, 0.89, 0.3, 0.006),
      ("low-bandwidth", 0.70, 0.70, 0.06, 0),
    ]
    for (tag, accuracy, humanLevel, share, gain) in expected {
      let r = try #require(row(tag), "\(tag)")
      #expect(abs(r["accuracy"]!.doubleValue! - accuracy) < 1e-12, "\(tag)")
      #expect(abs(r["humanLevel"]!.doubleValue! - humanLevel) < 1e-12, "\(tag)")
      #expect(abs(r["shareOfData"]!.doubleValue! - share) < 1e-12, "\(tag)")
      #expect(abs(r["potentialGain"]!.doubleValue! - gain) < 1e-12, "\(tag): \(r)")
      #expect(r["humanLevelSource"]?.stringValue == "baseline hlp-speech")
      #expect(r["shareOfDataInterval"] == nil)  // every item was reviewed: exact
    }
    #expect(report.json?["estimated"]?.boolValue == false)
    // Ranked by gain: the two 0.6-point tags first (people noise has more of the errors), then car noise, then low bandwidth.
    #expect(rows.compactMap { $0["tag"]?.stringValue } == ["people-noise", "clean", "car-noise", "low-bandwidth"])
    let text = try engineer(["engineer", "errors", "report", "asr", "--split", "dev"], root)
    #expect(text.stdout.contains("work on 'people-noise' first: fixing it could gain up to 0.60 points"), "\(text.stdout)")
    #expect(try mlw(["lead", "errors", "report", "asr", "--split", "dev"], root: root, as: "ana", workspace: "demo").status == 0)
  }

  @Test func sharesFromASampleComeWithIntervalsAndHumanLevelFallsBackToTheAnnotators() throws {
    let (root, inputs) = try trainingRoot()
    // Gold for j04–j09: x1 and x2 said ok everywhere, x3 said bridge on j06 and j09.
    try write("item,label\nj04,ok\nj05,ok\nj06,ok\nj07,ok\nj08,ok\nj09,ok\n", to: inputs + "/gold.csv")
    #expect(try mlw(["manager", "gold", "set", "joints", inputs + "/gold.csv"], root: root, as: "mia", workspace: "demo").status == 0)
    #expect(try engineer(["engineer", "run", "start", "r1", "--dataset", "joints"], root).status == 0)
    try write(
      "item,prediction,truth\nj00,ok,ok\nj01,ok,ok\nj02,bridge,ok\nj03,ok,ok\nj04,bridge,ok\nj05,ok,ok\nj06,bridge,ok\nj07,ok,ok\nj08,ok,ok\nj09,bridge,ok\n",
      to: inputs + "/dev.csv")
    #expect(try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.csv"], root).status == 0)
    let sample = try engineer(["engineer", "errors", "sample", "r1", "--split", "dev", "--n", "3", "--seed", "5", "--json"], root)
    #expect(sample.status == 0, "\(sample.stderr)")
    #expect(sample.json?["errors"]?.arrayValue?.count == 3)
    #expect(sample.json?["totalErrors"]?.intValue == 4)
    #expect(sample.json?["errors"]?.arrayValue?.allSatisfy { $0["prediction"] != $0["truth"] } == true)
    #expect(sample.json?["errors"]?.arrayValue?.first?["payload"]?["image"]?.stringValue?.hasSuffix(".png") == true)
    // Review three errors and three correct items.
    for (item, tags) in [("j04", ["glare"]), ("j06", ["glare", "mislabeled"]), ("j09", [String]()), ("j05", ["glare"]), ("j07", []), ("j08", [])] {
      let tagged = try engineer(["engineer", "errors", "tag", "r1", "--split", "dev", item] + tags, root)
      #expect(tagged.status == 0, "\(tagged.stderr)")
    }
    let report = try #require(try engineer(["engineer", "errors", "report", "r1", "--split", "dev", "--json"], root).json)
    #expect(report["estimated"]?.boolValue == true)
    let glare = try #require(report["tags"]?.arrayValue?.first { $0["tag"]?.stringValue == "glare" })
    // Errors: 2 of 3 reviewed errors have glare; correct: 1 of 3 reviewed. Stratified share of
    // data: (4 × 2/3 + 6 × 1/3) / 10 = 0.4667; accuracy on glare: 2 / 4.667 = 0.4286.
    #expect(abs(glare["shareOfErrors"]!.doubleValue! - 2.0 / 3.0) < 1e-12)
    #expect(abs(glare["shareOfData"]!.doubleValue! - (4.0 * 2 / 3 + 6.0 / 3) / 10) < 1e-12)
    #expect(abs(glare["accuracy"]!.doubleValue! - 2.0 / (4.0 * 2 / 3 + 2)) < 1e-12)
    let interval = (glare["shareOfErrorsInterval"]?.arrayValue ?? []).compactMap { $0.doubleValue }
    #expect(interval.count == 2 && interval[0] < 2.0 / 3.0 && interval[1] > 2.0 / 3.0)
    // Human level from the annotators against gold on j04, j05, j06: 8 of 9 labels right.
    #expect(abs(glare["humanLevel"]!.doubleValue! - 8.0 / 9.0) < 1e-12)
    #expect(glare["humanLevelSource"]?.stringValue?.hasPrefix("annotators (9 labels") == true)
    #expect(abs(report["mislabeledShareOfErrors"]!.doubleValue! - 1.0 / 3.0) < 1e-12)
    // Unknown items and bad tags are refused with the line; nothing stored.
    try write("item,tag\nj04,glare\nzz,glare\n", to: inputs + "/bad.csv")
    let before = try snapshot(root)
    let refused = try engineer(["engineer", "errors", "import", "r1", "--split", "dev", inputs + "/bad.csv"], root)
    #expect(refused.status == 3 && refused.stderr.contains("line 3: item 'zz' is not in dataset joints@1"), "\(refused.stderr)")
    let badTag = try engineer(["engineer", "errors", "tag", "r1", "--split", "dev", "j04", "Car Noise"], root)
    #expect(badTag.status == 3 && badTag.stderr.contains("tag 'Car Noise' must be a name"), "\(badTag.stderr)")
    #expect(try snapshot(root) == before)
    #expect(try engineer(["engineer", "errors", "report", "r1", "--split", "test"], root).status == 4)
  }
}

@Suite struct LabelIssueLoopTests {
  @Test func labelIssuesGoToTheReviewQueueAndAnAdjudicationCarriesIntoTheNextSnapshot() throws {
    let (root, inputs) = try trainingRoot()
    #expect(try engineer(["engineer", "run", "start", "r1", "--dataset", "joints"], root).status == 0)
    // Given: j01, j02, j04 are bridges, the rest ok; the model is sure j03 and j06 are bridges too.
    var rows = "item,prediction,truth,proba[ok],proba[bridge]\n"
    for i in 1..<10 {
      let truth = [1, 2, 4].contains(i) ? "bridge" : "ok"
      let bridge = [1, 2, 3, 4, 6].contains(i)
      rows += "j0\(i),\(bridge ? "bridge" : "ok"),\(truth),\(bridge ? "0.03,0.97" : "0.9,0.1")\n"
    }
    try write(rows, to: inputs + "/dev.csv")
    #expect(try engineer(["engineer", "run", "evaluate", "r1", "--split", "dev", "--predictions", inputs + "/dev.csv"], root).status == 0)
    let found = try engineer(["engineer", "label-issues", "r1", "--split", "dev", "--json"], root)
    #expect(found.status == 0, "\(found.stderr)")
    let items = found.json?["issues"]?.arrayValue?.compactMap { $0["item"]?.stringValue } ?? []
    #expect(Set(items) == ["j03", "j06"], "\(found.stdout)")
    #expect(found.json?["issues"]?.arrayValue?.first?["suspected"]?.stringValue == "bridge")
    #expect(found.json?["sentToReview"] == nil)
    #expect(!(try mlw(["manager", "disagreements", "joints"], root: root, as: "mia", workspace: "demo").stdout.contains("confident learning")))

    let sent = try engineer(["engineer", "label-issues", "r1", "--split", "dev", "--send-to-review"], root)
    #expect(sent.stdout.contains("sent 2 to the review queue of joints"), "\(sent.stdout)")
    let again = try engineer(["engineer", "label-issues", "r1", "--split", "dev", "--send-to-review", "--json"], root)
    #expect(again.json?["sentToReview"]?.intValue == 0)  // flagged already, not twice
    let queue = try mlw(["manager", "disagreements", "joints", "--json"], root: root, as: "mia", workspace: "demo")
    let flagged = queue.json?["items"]?.arrayValue?.filter { $0["flag"] != nil }.compactMap { $0["item"]?.stringValue } ?? []
    #expect(Set(flagged) == ["j03", "j06"], "\(queue.stdout)")
    #expect(queue.json?["items"]?.arrayValue?.prefix(2).allSatisfy { $0["flag"] != nil } == true)  // sent items first

    // The manager settles j03; it leaves the queue and the next run's snapshot has it.
    #expect(
      try mlw(["manager", "adjudicate", "joints", "j03", "bridge", "--reason", "under the scope"], root: root, as: "mia", workspace: "demo").status
        == 0)
    let after = try mlw(["manager", "disagreements", "joints", "--json"], root: root, as: "mia", workspace: "demo")
    let still = after.json?["items"]?.arrayValue?.filter { $0["flag"] != nil }.compactMap { $0["item"]?.stringValue } ?? []
    #expect(still == ["j06"])
    // Sending r1's issues again does not bring back j03: it was decided (to another label than r1 saw) after r1's snapshot.
    #expect(
      try engineer(["engineer", "label-issues", "r1", "--split", "dev", "--send-to-review", "--json"], root).json?["sentToReview"]?.intValue == 0)
    let resent = try mlw(["manager", "disagreements", "joints", "--json"], root: root, as: "mia", workspace: "demo")
    #expect(resent.json?["items"]?.arrayValue?.filter { $0["flag"] != nil }.compactMap { $0["item"]?.stringValue } == ["j06"])
    let r2 = try #require(try engineer(["engineer", "run", "start", "r2", "--dataset", "joints", "--json"], root).json)
    #expect(r2["labels"]?["sources"]?["adjudicated"]?.intValue == 1)
    let snapshot = try String(
      contentsOfFile: root + "/demo/content/sha256-" + r2["labels"]!["sha256"]!.stringValue!.dropFirst(7) + ".ndjson", encoding: .utf8)
    #expect(snapshot.contains(#"{"item":"j03","label":"bridge","source":"adjudicated"}"#))

    // Without class probabilities there is nothing to find issues from.
    try write("item,prediction\nj01,ok\n", to: inputs + "/plain.csv")
    #expect(try engineer(["engineer", "run", "evaluate", "r2", "--split", "test", "--predictions", inputs + "/plain.csv"], root).status == 0)
    let plain = try engineer(["engineer", "label-issues", "r2", "--split", "test"], root)
    #expect(plain.status == 3 && plain.stderr.contains("has no proba[<label>] columns"), "\(plain.stderr)")
  }
}

@Suite struct RunServerTests {
  @Test func overTheServerRunsTakeFilesFromTheFilesAreaAndNeverReadARepository() throws {
    let (root, tokens) = try makeServedRoot()
    #expect(
      try mlw(
        ["manager", "schema", "set", "--task", "single-label", "--label", "ok=fine", "--label", "bridge=joined"], root: root, as: "mia",
        workspace: "demo"
      )
      .status == 0)
    let inputs = makeTemporaryFolder("mlw-run-serve")
    try write("id,image\nj1,a.png\nj2,b.png\nj3,c.png\n", to: inputs + "/items.csv")
    #expect(try mlw(["manager", "dataset", "import", "joints", inputs + "/items.csv"], root: root, as: "mia", workspace: "demo").status == 0)
    let server = try ServerProcess(root: root)
    defer { _ = server.stop() }
    let client = try LineClient(port: server.port)
    #expect(try client.request("auth \(tokens["eve"]!)")["result"]?["member"] == .string("eve"))
    let started = try client.request(
      #"{"jsonrpc":"2.0","id":1,"method":"engineer.run.start","params":{"workspace":"demo","_":["r1"],"dataset":"joints","code":"abc1234","param":["lr=0.1"]}}"#
    )
    #expect(started["result"]?["params"]?["lr"] == .double(0.1), "\(started)")
    // A repository folder is the server's machine's, not the caller's: refused, nothing stored.
    let before = try snapshot(root)
    let repo = try client.request("engineer run start r2 --dataset joints --repo / -w demo")
    #expect(repo["error"]?["code"]?.intValue == -32005, "\(repo)")
    #expect(repo["error"]?["message"]?.stringValue?.contains("over the server give --code COMMIT") == true, "\(repo)")
    // Points inline, in the caller's files area.
    let inline = try client.request(
      #"{"jsonrpc":"2.0","id":2,"method":"engineer.run.log","params":{"workspace":"demo","_":["r1"],"file":{"name":"points.jsonl","content":"{\"metric\":\"loss\",\"value\":\"NaN\",\"split\":\"train\"}\n"}}}"#
    )
    #expect(inline["result"]?["points"]?.intValue == 1, "\(inline)")
    #expect(try snapshot(root).keys.filter { !before.keys.contains($0) }.allSatisfy { $0.hasPrefix("demo/runs/r1/") || $0.hasPrefix("demo/files/") })
    let escape = try client.request("engineer run log r1 --file ../../demo/journal.jsonl -w demo")
    #expect(escape["error"]?["code"]?.intValue == -32005, "\(escape)")
    // The lead reads runs; a filter error names its column over the wire too.
    let lead = try LineClient(port: server.port)
    _ = try lead.request("auth \(tokens["ana"]!)")
    let listed = try lead.request("lead run list -w demo")
    #expect(listed["result"]?["total"]?.intValue == 1, "\(listed)")
    let bad = try lead.request(#"lead run list -w demo --filter "metrics.loss >""#)
    #expect(bad["error"]?["code"]?.intValue == -32003 && bad["error"]?["message"]?.stringValue?.contains("at the end") == true, "\(bad)")
    #expect(try lead.request("engineer run finish r1 -w demo")["error"]?["code"]?.intValue == -32005)
  }
}

@Suite struct MLflowServerImportTests {
  /// Over the server, import-mlflow reads a folder in the caller's files area and nowhere else:
  /// `..`, absolute paths, a link out of the area, a file, another workspace's area and a hard
  /// link inside the store are refused with nothing stored; messages name the folder as given.
  @Test func aStoreInTheFilesAreaIsImportedAndNothingOutsideIt() throws {
    let (root, tokens) = try makeServedRoot()
    let store = makeTemporaryFolder("mlw-mlruns-served")
    #expect(try runPython("make_mlflow_store.py", [store + "/mlruns"]).status == 0)
    let area = root + "/demo/files"
    try FileManager.default.createDirectory(atPath: area, withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: store + "/mlruns", toPath: area + "/mlruns")
    try FileManager.default.createSymbolicLink(atPath: area + "/outside", withDestinationPath: store + "/mlruns")
    try Data("x".utf8).write(to: URL(fileURLWithPath: area + "/plain.txt"))
    // Another workspace, with a store in its own area, that eve is not a member of.
    #expect(try mlw(["init", "other", "--lead", "ana"], root: root).status == 0)
    try FileManager.default.createDirectory(atPath: root + "/other/files", withIntermediateDirectories: true)
    try FileManager.default.copyItem(atPath: store + "/mlruns", toPath: root + "/other/files/mlruns")
    let server = try ServerProcess(root: root)
    defer { _ = server.stop() }
    let client = try LineClient(port: server.port)
    _ = try client.request("auth \(tokens["eve"]!)")
    let before = try snapshot(root)
    for (words, code) in [
      ("engineer run import-mlflow ../../demo/files/mlruns -w demo", -32005), ("engineer run import-mlflow \(store)/mlruns -w demo", -32005),
      ("engineer run import-mlflow outside -w demo", -32005), ("engineer run import-mlflow plain.txt -w demo", -32005),
      ("engineer run import-mlflow mlruns", -32003), ("engineer run import-mlflow nothing-here -w demo", -32004),
      ("engineer run import-mlflow mlruns -w other", -32004),
    ] {
      let refused = try client.request(words)
      #expect(refused["error"]?["code"]?.intValue == code, "\(words): \(refused)")
      #expect(refused["error"]?["message"]?.stringValue?.contains(root) != true, "\(words) names the server's folders: \(refused)")
    }
    #expect(try snapshot(root) == before)
    // A hard link inside the store to a file elsewhere is refused, naming the folder as given.
    let experiment = try #require(try FileManager.default.contentsOfDirectory(atPath: area + "/mlruns").first { $0 != "0" && !$0.hasPrefix(".") })
    let run = try #require(try FileManager.default.contentsOfDirectory(atPath: area + "/mlruns/" + experiment).first { $0 != "meta.yaml" })
    let secret = store + "/secret.txt"
    try Data("s3cret".utf8).write(to: URL(fileURLWithPath: secret))
    try FileManager.default.linkItem(atPath: secret, toPath: area + "/mlruns/\(experiment)/\(run)/params/stolen")
    let withLink = try snapshot(root)
    let linked = try client.request("engineer run import-mlflow mlruns -w demo")
    #expect(linked["error"]?["code"]?.intValue == -32003, "\(linked)")
    #expect(
      linked["error"]?["message"]?.stringValue?.hasPrefix("mlruns/\(experiment)/\(run)/params/stolen: has another hard link") == true, "\(linked)")
    #expect(try snapshot(root) == withLink)
    try FileManager.default.removeItem(atPath: area + "/mlruns/\(experiment)/\(run)/params/stolen")
    let imported = try client.request(#"{"jsonrpc":"2.0","id":5,"method":"engineer.run.import-mlflow","params":{"workspace":"demo","_":["mlruns"]}}"#)
    #expect(imported["result"]?["runs"]?.arrayValue?.count == 2, "\(imported)")
    let lead = try LineClient(port: server.port)
    _ = try lead.request("auth \(tokens["ana"]!)")
    #expect(try lead.request("lead run show baseline-cnn -w demo")["result"]?["imported"]?["from"]?.stringValue == "mlflow")
  }
}

@Suite struct MLflowImportTests {
  @Test func runsWrittenByTheRealMLflowClientAreImportedOnceWithTheirHistories() throws {
    let folder = makeTemporaryFolder("mlw-mlruns")
    let written = try runPython("make_mlflow_store.py", [folder + "/mlruns"])
    #expect(written.status == 0, "\(written.stdout)")
    let root = try makeDemoRoot()
    let imported = try engineer(["engineer", "run", "import-mlflow", folder + "/mlruns", "--json"], root)
    #expect(imported.status == 0, "\(imported.stderr)")
    let runs = try #require(imported.json?["runs"]?.arrayValue)
    #expect(runs.compactMap { $0["id"]?.stringValue }.sorted() == ["baseline-cnn", "child-sweep"])
    let parent = try #require(try engineer(["engineer", "run", "show", "baseline-cnn", "--json"], root).json)
    #expect(parent["imported"]?["from"]?.stringValue == "mlflow")
    #expect(parent["code"]?["commit"]?.stringValue == "0123456789abcdef0123456789abcdef01234567")
    #expect(parent["params"]?["lr"] == .double(0.001))
    #expect(parent["params"]?["epochs"] == .int(3))
    #expect(parent["tags"]?["stage"]?.stringValue == "main")
    #expect(parent["status"]?.stringValue == "finished")
    #expect(parent["dataset"] == nil)
    let metrics = parent["metrics"]?.arrayValue ?? []
    let f1 = try #require(metrics.first { $0["name"]?.stringValue == "dev.f1" })  // "dev/f1" in MLflow
    #expect(f1["points"]?.intValue == 3 && f1["last"]?.doubleValue == 0.7 && f1["lastStep"]?.intValue == 2)
    #expect(metrics.first { $0["name"]?.stringValue == "val_loss" }?["last"]?.stringValue == "NaN")
    let child = try #require(try engineer(["engineer", "run", "show", "child-sweep", "--json"], root).json)
    #expect(child["parent"]?.stringValue == "baseline-cnn")
    // A store with a time that is no time imports nothing; a link out of the store is not followed.
    let hostile = makeTemporaryFolder("mlw-mlruns-hostile")
    try FileManager.default.copyItem(atPath: folder + "/mlruns", toPath: hostile + "/mlruns")
    let experiment = try #require(try FileManager.default.contentsOfDirectory(atPath: hostile + "/mlruns").first { $0 != "0" && !$0.hasPrefix(".") })
    let runFolders = try FileManager.default.contentsOfDirectory(atPath: hostile + "/mlruns/" + experiment).filter { $0 != "meta.yaml" }.sorted()
    try FileManager.default.createSymbolicLink(
      atPath: hostile + "/mlruns/\(experiment)/\(runFolders[0])/tags/host", withDestinationPath: "/etc/hostname")
    let meta = hostile + "/mlruns/\(experiment)/\(runFolders[1])/meta.yaml"
    let text = try String(contentsOfFile: meta, encoding: .utf8).replacingOccurrences(of: "start_time: ", with: "start_time: 1e308 #")
    try Data(text.utf8).write(to: URL(fileURLWithPath: meta))
    let other = try makeDemoRoot()
    let untouched = try snapshot(other)
    let refused = try engineer(["engineer", "run", "import-mlflow", hostile + "/mlruns"], other)
    #expect(
      refused.status == 3 && refused.stderr.contains("start_time '1e308") && refused.stderr.split(separator: "\n").count == 1, "\(refused.stderr)")
    #expect(try snapshot(other) == untouched)
    try Data(text.replacingOccurrences(of: "start_time: 1e308 #", with: "start_time: ").utf8).write(to: URL(fileURLWithPath: meta))
    // Keys that meet under mlw's names, one that is no metric name, lines that are not points:
    // imported as far as they can be, and each named in a note.
    let edited = hostile + "/mlruns/\(experiment)/\(runFolders[0])"
    for (file, text) in [
      ("metrics/Dev.F1", "1767225600000 0.5 7\nnot a line\n1767225600001 0.6\n"), ("metrics/loss.min", "1767225600000 0.1 0\n"),
      ("params/LR", "0.5"), ("params/lr", "0.25"), ("tags/ü", "x"), ("metrics/größe", "1767225600000 2 0\n"),
      ("metrics/odd", "1767225600000 0x10 1\n1767225600000 1e999 2\n1767225600000 4.0 3 extra\n1767225600000 1 -1\n0x10 1 1\n1767225600000 nan 4\n"),
      ("tags/mlflow.source.git.commit", "abc"),
    ] {
      try Data(text.utf8).write(to: URL(fileURLWithPath: edited + "/" + file))
    }
    try FileManager.default.createSymbolicLink(atPath: edited + "/params/linked", withDestinationPath: "/etc/hostname")
    let editedMeta = edited + "/meta.yaml"
    let metaText = try String(contentsOfFile: editedMeta, encoding: .utf8)
    let startLine = try #require(metaText.split(separator: "\n").first { $0.hasPrefix("start_time: ") })
    let start = try #require(Int(startLine.dropFirst("start_time: ".count)))
    let endLine = metaText.split(separator: "\n").first { $0.hasPrefix("end_time: ") }.map(String.init) ?? "end_time: null"
    try Data(metaText.replacingOccurrences(of: endLine, with: "end_time: \(start - 60_000)").utf8).write(to: URL(fileURLWithPath: editedMeta))
    let withNotes = try engineer(["engineer", "run", "import-mlflow", hostile + "/mlruns", "--json"], other)
    #expect(withNotes.status == 0, "\(withNotes.stderr)")
    let notes = withNotes.json?["runs"]?.arrayValue?.flatMap { $0["notes"]?.arrayValue?.compactMap(\.stringValue) ?? [] } ?? []
    #expect(notes.contains("metrics 'Dev.F1' and 'dev/f1' both read as 'dev.f1': their points are in one history"), "\(notes)")
    #expect(notes.contains { $0.hasPrefix("metric 'loss.min' left out: 'loss.min' is no metric name") }, "\(notes)")
    #expect(notes.contains("params 'LR' and 'lr' both read as 'lr': the value of 'lr' is kept"), "\(notes)")
    #expect(notes.contains("tag 'ü' left out: no letter or digit to name it by"), "\(notes)")
    #expect(notes.contains("1 line of metric 'Dev.F1' left out: not 'timestamp value [step]' (milliseconds, a number, a step from 0)"), "\(notes)")
    #expect(notes.contains("metric 'größe' read as 'gr__e' (mlw names are [a-z0-9._-], at most 64)"), "\(notes)")
    #expect(notes.contains { $0.hasPrefix("5 lines of metric 'odd' left out") }, "\(notes)")
    #expect(notes.contains("param 'linked' left out: a link (links in a store are never followed)"), "\(notes)")
    #expect(notes.contains("mlflow.source.git.commit 'abc' left out: not a git commit hash"), "\(notes)")
    #expect(notes.contains { $0.hasPrefix("end_time ") && $0.hasSuffix("left out") }, "\(notes)")
    let editedID = try #require(withNotes.json?["runs"]?.arrayValue?.first { !($0["notes"]?.arrayValue?.isEmpty ?? true) }?["id"]?.stringValue)
    let editedRun = try #require(try engineer(["engineer", "run", "show", editedID, "--json"], other).json)
    #expect(editedRun["params"]?["lr"] == .double(0.25))
    let logged = editedID == "baseline-cnn" ? 3 : 1  // dev/f1 points the client logged
    #expect(editedRun["metrics"]?.arrayValue?.first { $0["name"]?.stringValue == "dev.f1" }?["points"]?.intValue == logged + 2)
    let shownNotes = try engineer(["engineer", "run", "import-mlflow", hostile + "/mlruns"], try makeDemoRoot())
    #expect(shownNotes.stdout.contains("note: \(editedID): params 'LR' and 'lr' both read as 'lr'"), "\(shownNotes.stdout)")
    for id in ["baseline-cnn", "child-sweep"] {
      #expect(try engineer(["engineer", "run", "show", id, "--json"], other).json?["tags"]?["host"] == nil)
    }
    // Again: nothing twice.
    let before = try snapshot(root)
    let again = try engineer(["engineer", "run", "import-mlflow", folder + "/mlruns", "--json"], root)
    #expect(again.json?["runs"]?.arrayValue?.allSatisfy { $0["outcome"]?.stringValue?.hasPrefix("skipped") == true } == true)
    #expect(try snapshot(root) == before)
    // A folder that is no store is refused; the server never reads a folder of its machine.
    #expect(try engineer(["engineer", "run", "import-mlflow", folder], root).stderr.contains("holds no MLflow runs"))
    #expect(try engineer(["engineer", "run", "list", "--filter", "params.lr = 0.0003", "--json"], root).json?["matched"]?.intValue == 1)
  }
}

/// `run list` reads the run index (`<workspace>/.index/runs`); every command that writes a run,
/// each in a process of its own, is seen by the next list, which says what a full read says.
@Suite struct RunIndexCommandTests {
  static let queries: [[String]] = [
    [],
    ["--filter", "metrics.dev.f1 > 0.5 or params.lr in (0.001)", "--sort", "metrics.dev.f1"],
    ["--sort", "id", "--limit", "2"],
    ["--filter", "metrics.dev.accuracy is missing or metrics.dev.accuracy > 0.5", "--sort", "metrics.dev.loss.best:desc"],
    ["--filter", "status = 'finished' and tags.stage = 'main'"],
  ]

  @Test func afterStartLogFinishEvaluateAndArtifactTheIndexListsWhatTheRecordsSay() throws {
    let (root, inputs) = try trainingRoot()
    let index = root + "/demo/.index/runs"
    func listings() throws -> [String] {
      try Self.queries.map { query in
        let result = try engineer(["engineer", "run", "list", "--json"] + query, root)
        #expect(result.status == 0, "\(query): \(result.stderr)")
        return result.stdout
      }
    }
    func expectSame(_ step: String) throws {
      let indexed = try listings()
      #expect(FileManager.default.fileExists(atPath: index), "\(step)")
      try FileManager.default.removeItem(atPath: index)
      #expect(try listings() == indexed, "\(step): the index and a full read differ")
      // What was just written is trusted once its file times are a second old.
      Thread.sleep(forTimeInterval: 1.1)
    }
    try write(
      "item,split\nj00,train\nj01,train\nj02,train\nj03,train\nj04,dev\nj05,dev\nj06,dev\nj07,dev\nj08,dev\nj09,dev\n", to: inputs + "/splits.csv")
    for (id, lr) in [("a", "0.001"), ("b", "0.01"), ("c", "0.0003")] {
      let started = try engineer(
        ["engineer", "run", "start", id, "--dataset", "joints", "--splits", inputs + "/splits.csv", "--param", "lr=" + lr, "--tag", "stage=main"],
        root)
      #expect(started.status == 0, "\(started.stderr)")
      #expect(try engineer(["engineer", "run", "log", id, "--split", "dev", "--metric", "f1=0.6", "--metric", "loss=0.4"], root).status == 0)
    }
    try expectSame("started and logged")
    #expect(try engineer(["engineer", "run", "log", "a", "--split", "dev", "--metric", "f1=0.9", "--step", "3"], root).status == 0)
    try expectSame("log")
    #expect(try engineer(["engineer", "run", "finish", "b"], root).status == 0)
    try expectSame("finish")
    try write("item,prediction,truth\nj04,ok,ok\nj05,bridge,bridge\nj06,ok,bridge\nj07,ok,ok\nj08,bridge,ok\nj09,ok,ok\n", to: inputs + "/dev.csv")
    let evaluated = try engineer(["engineer", "run", "evaluate", "c", "--split", "dev", "--predictions", inputs + "/dev.csv"], root)
    #expect(evaluated.status == 0, "\(evaluated.stderr)")
    try expectSame("evaluate")
    let accuracy = try engineer(["engineer", "run", "list", "--filter", "metrics.dev.accuracy > 0.6", "--json"], root)
    #expect(accuracy.json?["runs"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == ["c"], "\(accuracy.stdout)")
    // A second evaluation of the same split replaces its figures.
    try write("item,prediction,truth\nj04,ok,ok\nj05,ok,bridge\nj06,ok,bridge\nj07,ok,ok\nj08,ok,ok\nj09,ok,ok\n", to: inputs + "/dev.csv")
    #expect(try engineer(["engineer", "run", "evaluate", "c", "--split", "dev", "--predictions", inputs + "/dev.csv"], root).status == 0)
    try expectSame("evaluate again")
    let again = try engineer(["engineer", "run", "list", "--filter", "metrics.dev.accuracy > 0.6", "--json"], root)
    #expect(again.json?["matched"]?.intValue == 1, "\(again.stdout)")
    try write("weights", to: inputs + "/model.pt")
    #expect(try engineer(["engineer", "run", "artifact", "a", inputs + "/model.pt"], root).status == 0)
    try expectSame("artifact")
    #expect(try engineer(["engineer", "run", "start", "d", "--dataset", "joints", "--tag", "stage=main"], root).status == 0)
    try expectSame("start")
    let listed = try engineer(["engineer", "run", "list", "--json"], root)
    #expect(listed.json?["total"]?.intValue == 4)

    // fsck knows the index and finds nothing wrong with it; the index is not a stored record.
    let checked = try mlw(["fsck"], root: root)
    #expect(checked.status == 0, "\(checked.stdout)")
    // A hand-damaged index is rebuilt by the next list.
    try write("{\"kind\":\"run-index\",\"schemaVersion\":1}\ngarbage", to: index)
    let damaged = try mlw(["fsck"], root: root)
    #expect(damaged.status == 0 && damaged.stdout.contains("cannot be used"), "\(damaged.stdout)")
    #expect(try engineer(["engineer", "run", "list", "--json"], root).stdout == listed.stdout)
  }
}
