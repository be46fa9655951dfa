import Foundation
import Testing
import VersionedStore

@Suite struct StatsCommandTests {
  let folder = makeTemporaryFolder("mlw-stats")

  func file(_ name: String, _ text: String) throws -> String {
    let path = folder + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func agreementJSONHasTheContractKeys() throws {
    let path = try file("r.csv", "unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\nu2,b,x\nu3,a,y\nu3,b,y\n")
    let result = try run("mlw", ["stats", "agreement", path, "--json", "--bootstrap", "100"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(result.json)
    for key in [
      "units", "coders", "ratings", "level", "percentAgreement", "krippendorffAlpha", "fleissKappa", "randolphKappa",
      "cohenKappa", "gwetAC1", "brennanPrediger", "congerKappa", "perCategory", "pairwise", "confidenceIntervals",
    ] {
      #expect(json[key] != nil, "missing \(key)")
    }
    #expect(json["units"] == .int(3) && json["coders"] == .int(2) && json["ratings"] == .int(6))
    let jsonl = try file("r.jsonl", #"{"unit":"u1","coder":"a","value":1}"# + "\n" + #"{"unit":"u1","coder":"b","value":1}"# + "\n")
    let degenerate = try run("mlw", ["stats", "agreement", jsonl, "--json", "--bootstrap", "0"]).json
    #expect(degenerate?["krippendorffAlpha"]?["undefined"]?.stringValue?.isEmpty == false)
    #expect(degenerate?["cohenKappa"]?["undefined"] != nil)
  }

  @Test func rankReproducesTheDomainTable() throws {
    let path = try file("models.csv", "model,precision,recall\nmodel 1,0.9,0.5\nmodel 2,0.8,0.7\nmodel 3,0.7,0.9\n")
    let average = try run("mlw", ["stats", "rank", path, "--average", "precision,recall", "--json"]).json
    #expect(average?["models"]?.arrayValue?.first?["model"] == .string("model 3"))
    let bar = try run("mlw", ["stats", "rank", path, "--optimize", "precision", "--require", "recall>0.6", "--json"]).json
    let models = bar?["models"]?.arrayValue ?? []
    #expect(models.map { $0["model"]?.stringValue } == ["model 2", "model 3", "model 1"])
    #expect(models.map { $0["score"]?.doubleValue } == [0.8, 0.7, 0])
    #expect(models.map { $0["eligible"] } == [.bool(true), .bool(true), .bool(false)])
  }

  @Test func malformedInputGetsOneLineNamingTheLine() throws {
    let cases: [([String], Int32, String)] = [
      (["stats", "agreement", try file("noheader.csv", "u1,a,x\nu1,b,y\n")], 3, "line 1: the header needs the column 'unit'"),
      (["stats", "agreement", try file("ragged.csv", "unit,coder,value\nu1,a,x\nu1,b\n")], 3, "line 3: 2 fields, but the header has 3"),
      (
        ["stats", "agreement", try file("text.csv", "unit,coder,value\nu1,a,1\nu1,b,high\n"), "--level", "interval"], 3,
        "line 3: value 'high' is not a number"
      ),
      (["stats", "agreement", try file("empty.csv", "")], 3, "the file is empty"),
      (
        ["stats", "agreement", try file("single.csv", "unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\n")], 3,
        "line 4: unit 'u2' is rated by one coder only"
      ),
      (
        ["stats", "agreement", try file("twice.csv", "unit,coder,value\nu1,a,x\nu1,b,x\nu1,a,y\n")], 3,
        "line 4: coder 'a' rated unit 'u1' already, on line 2"
      ),
      (["stats", "agreement", try file("quote.csv", "unit,coder,value\nu1,a,\"x\nu1,b,x\n")], 3, "a quoted field is not closed"),
      (["stats", "agreement", folder + "/missing.csv"], 3, "no such file"),
      (["stats", "agreement", try file("ok.csv", "unit,coder,value\nu1,a,x\nu1,b,x\n"), "--level", "loud"], 2, "--level"),
      (["stats", "classification", try file("score.csv", "truth,prediction,score\n1,1,0.9\n0,1,lots\n")], 3, "line 3: score 'lots' is not a number"),
      (["stats", "classification", try file("noscorepos.csv", "truth,prediction,score\na,a,0.9\nb,a,0.1\n")], 3, "--positive"),
      (["stats", "rank", try file("m.csv", "model,precision\nm1,0.5\n"), "--metric", "f1"], 3, "no metric column 'f1'"),
      (
        ["stats", "rank", try file("m2.csv", "model,precision\nm1,0.5\n"), "--optimize", "precision", "--require", "latency<5"], 3,
        "no metric column 'latency'"
      ),
      (["stats", "rank", try file("m3.csv", "model,precision\nm1,high\n"), "--metric", "precision"], 3, "line 2: precision 'high' is not a number"),
      (["stats", "rank", try file("m4.csv", "model,precision\nm1,0.5\n"), "--metric", "precision", "--average", "precision"], 2, "exactly one"),
      (
        ["stats", "drift", "--reference", try file("ref.csv", "c\na\nb\n"), "--current", try file("cur.csv", "c\na\na\n"), "--test", "ks"], 3,
        "not numeric"
      ),
      (["stats", "drift", "--reference", try file("ref2.csv", "c\na\n"), "--current", try file("cur2.csv", "d\na\n")], 3, "no column in common"),
    ]
    for (arguments, code, fragment) in cases {
      let result = try run("mlw", arguments)
      #expect(result.status == code, "\(arguments): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(fragment), "\(arguments): \(result.stderr)")
      #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(arguments): \(result.stderr)")
    }
  }

  /// scripts/crosscheck.py against scikit-learn, statsmodels, krippendorff, irrCAC and scipy on
  /// randomised inputs: every shared quantity within 1e-9.
  @Test func crossCheckAgainstThePythonReferences() throws {
    let result = try runPython("crosscheck.py", ["--mlw", Products.path("mlw"), "--cases", "40"])
    let text = result.stdout
    #expect(result.status == 0, "\(text)")
    print(String(text.split(separator: "\n").last ?? ""))
  }
}
