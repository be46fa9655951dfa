import Foundation
import Statistics
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

  /// A file in which some unit has one rating was refused unless `--allow-single`: real data with
  /// missing ratings always has such units. They are kept, counted, and each coefficient says
  /// what it did with them; `--strict` keeps the old refusal.
  @Test func agreementKeepsSingleRatedUnitsAndSaysWhatEachCoefficientDidWithThem() throws {
    let pairs = "unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\nu2,b,x\nu3,a,y\nu3,b,y\nu4,a,x\nu4,b,y\n"
    let withSingles = try file("singles.csv", pairs + "u5,a,y\nu6,b,y\n")
    let result = try run("mlw", ["stats", "agreement", withSingles, "--bootstrap", "0", "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    let json = try #require(result.json)
    let without = try #require(try run("mlw", ["stats", "agreement", try file("pairs.csv", pairs), "--bootstrap", "0", "--json"]).json)
    #expect(json["units"] == .int(6) && json["singleRatedUnits"] == .int(2))
    #expect(without["singleRatedUnits"] == .int(0) && without["leftOut"] == .array([]))
    // Unpairable units add nothing to alpha, percent agreement or Cohen's kappa...
    for key in ["krippendorffAlpha", "percentAgreement", "cohenKappa"] { #expect(json[key] == without[key], "\(key)") }
    // ...and count in the category shares of the Fleiss-Gwet family: by hand, p_a = 1/2 on the four
    // pairs; π_y = (0 + 1/2 + 1 + 1/2 + 1 + 1)/6 = 2/3, so Fleiss' p_e = 5/9 and κ = (1/2 − 5/9)/(4/9) = −1/8.
    #expect(json["fleissKappa"]?.doubleValue.map { abs($0 - -0.125) < 1e-12 } == true, "\(String(describing: json["fleissKappa"]))")
    #expect(without["fleissKappa"]?.doubleValue.map { abs($0 - 0) < 1e-12 } == true)
    let leftOut = json["leftOut"]?.arrayValue ?? []
    #expect(leftOut.count == 2 && leftOut.allSatisfy { $0["units"] == .int(2) })
    #expect(leftOut.first?["coefficients"] == .array([.string("krippendorffAlpha"), .string("percentAgreement"), .string("cohenKappa")]))
    let text = try run("mlw", ["stats", "agreement", withSingles, "--bootstrap", "0"]).stdout
    #expect(text.contains("2 unit(s) rated by one coder only (no pair of ratings):"), "\(text)")
    #expect(text.contains("alpha, percent agreement, Cohen's kappa: no pair of ratings to compare, so left out"), "\(text)")
    #expect(!(try run("mlw", ["stats", "agreement", try file("pairs2.csv", pairs), "--bootstrap", "0"]).stdout.contains("one coder only")))
    // The strict behaviour, and the old flag still accepted.
    #expect(try run("mlw", ["stats", "agreement", withSingles, "--strict"]).status == 3)
    #expect(
      try run("mlw", ["stats", "agreement", withSingles, "--allow-single", "--bootstrap", "0", "--json"]).json?["fleissKappa"] == json["fleissKappa"])
    #expect(try run("mlw", ["stats", "agreement", withSingles, "--allow-single", "--strict"]).status == 2)
  }

  /// Interval ratings of ±1e200 printed `-nan` and `--json` exited 9: values are scaled by a
  /// power of two first (exact), so the figures are those of the same ratings in small numbers.
  @Test func extremeValuesGiveFiguresNotNaN() throws {
    let small = "unit,coder,value\nu1,a,1\nu1,b,3\nu2,a,2\nu2,b,2\nu3,a,5\nu3,b,4\nu4,a,3\nu4,b,1\n"
    let large = small.replacingOccurrences(of: #"(\d)\n"#, with: "$1e200\n", options: .regularExpression)
    let tiny = small.replacingOccurrences(of: #"(\d)\n"#, with: "$1e-300\n", options: .regularExpression)
    for level in ["interval", "ratio"] {
      let reference = try #require(
        try run("mlw", ["stats", "agreement", try file("small.csv", small), "--level", level, "--bootstrap", "50", "--json"]).json)
      for (name, text) in [("large.csv", large), ("tiny.csv", tiny)] {
        let result = try run("mlw", ["stats", "agreement", try file(name, text), "--level", level, "--bootstrap", "50", "--json"])
        #expect(result.status == 0, "\(name) \(level): \(result.stderr)")
        // The same up to the rounding of 1e200 and 1e-300 themselves (decimal, not powers of two).
        func close(_ a: JSONValue?, _ b: JSONValue?) -> Bool {
          guard let x = a?.doubleValue, let y = b?.doubleValue else { return false }
          return abs(x - y) <= 1e-12 * max(1, abs(y))
        }
        #expect(close(result.json?["krippendorffAlpha"], reference["krippendorffAlpha"]), "\(name) \(level)")
        #expect(close(result.json?["weighted"]?["gwetAC2"], reference["weighted"]?["gwetAC2"]), "\(name) \(level)")
        let interval = result.json?["confidenceIntervals"]?["coefficients"]?["krippendorffAlpha"]
        let expected = reference["confidenceIntervals"]?["coefficients"]?["krippendorffAlpha"]
        #expect(close(interval?["low"], expected?["low"]) && close(interval?["high"], expected?["high"]), "\(name) \(level)")
      }
    }
    let mixed = try file("mixed.csv", "unit,coder,value\nu1,a,1.7e308\nu1,b,-1.7e308\nu2,a,1\nu2,b,2\nu3,a,1e308\nu3,b,1e308\n")
    let text = try run("mlw", ["stats", "agreement", mixed, "--level", "interval", "--bootstrap", "100"])
    #expect(
      text.status == 0 && text.stdout.range(of: #"(^|\s)-?nan(\s|$)"#, options: [.regularExpression, .caseInsensitive]) == nil, "\(text.stdout)")
    let json = try run("mlw", ["stats", "agreement", mixed, "--level", "interval", "--bootstrap", "100", "--json"])
    #expect(json.status == 0 && json.json?["krippendorffAlpha"]?.doubleValue != nil, "\(json.stderr)")
    let negative = try run("mlw", ["stats", "agreement", mixed, "--level", "ratio"])
    #expect(negative.status == 3 && negative.stderr.contains("line 3: value '-1.7e308' is negative, and a ratio scale starts at 0"))
  }

  /// NaN and infinity in a numeric column were categories for the default rule and refused by
  /// `--test ks`: they are missing for every test, counted, and said; tiny p-values read as such.
  @Test func driftCountsNonFiniteCellsAsMissingForEveryTest() throws {
    var generator = SeededGenerator(seed: 3)
    func sample(_ shift: Double) -> String {
      "x\n" + (0..<60).map { _ in String(Double(generator.next() % 1000) / 100 + shift) }.joined(separator: "\n") + "\n"
    }
    let (ref, cur) = (sample(0), sample(0.5))
    let clean = try run("mlw", ["stats", "drift", "--reference", try file("r.csv", ref), "--current", try file("c.csv", cur), "--json"]).json
    let reference = try file("rn.csv", ref + "nan\ninf\n")
    let current = try file("cn.csv", cur + "NaN\n-inf\n")
    for test in [[], ["--test", "ks"], ["--test", "psi"], ["--test", "wasserstein"]] {
      let result = try run("mlw", ["stats", "drift", "--reference", reference, "--current", current, "--json"] + test)
      #expect(result.status == 0, "\(test): \(result.stderr)")
      let column = result.json?["columns"]?.arrayValue?.first
      #expect(column?["kind"] == .string("numeric") && column?["nonFiniteReference"] == .int(2) && column?["nonFiniteCurrent"] == .int(2), "\(test)")
      #expect(column?["missingCurrent"] == .int(2) && column?["referenceCount"] == .int(60), "\(test)")
      if test.isEmpty { #expect(column?["statistic"] == clean?["columns"]?.arrayValue?.first?["statistic"]) }
    }
    let text = try run("mlw", ["stats", "drift", "--reference", reference, "--current", current]).stdout
    #expect(text.contains("note: x: 2 reference and 2 current cell(s) read NaN or infinity, counted as missing"), "\(text)")
    let far = try run("mlw", ["stats", "drift", "--reference", try file("r2.csv", sample(0)), "--current", try file("c2.csv", sample(50))])
    #expect(far.stdout.contains("< 1e-16") && !far.stdout.contains(" 0.0000 "), "\(far.stdout)")
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

  /// `--metric error` ranked the highest error first ("maximise error") and `--weights
  /// acc=0.7,latency_ms=0.3` the slowest model first: each metric now counts in its direction.
  @Test func rankCountsEachMetricInItsDirection() throws {
    let path = try file(
      "directions.csv", "model,acc,latency_ms,error,widgets\nslow,0.9,300,0.10,3\nfast,0.9,20,0.30,1\nmid,0.8,100,0.20,2\n")
    func order(_ arguments: [String]) throws -> [String] {
      let result = try run("mlw", ["stats", "rank", path] + arguments + ["--json"])
      #expect(result.status == 0, "\(arguments): \(result.stderr)")
      return result.json?["models"]?.arrayValue?.compactMap { $0["model"]?.stringValue } ?? []
    }
    #expect(try order(["--metric", "error"]) == ["slow", "mid", "fast"])
    #expect(try order(["--weights", "acc=0.7,latency_ms=0.3"]) == ["fast", "mid", "slow"])
    #expect(try order(["--optimize", "latency_ms", "--require", "acc>=0.85"]) == ["fast", "slow", "mid"])
    // A given direction wins, in the list or as an option.
    #expect(try order(["--metric", "error:max"]) == ["fast", "mid", "slow"])
    #expect(try order(["--metric", "widgets", "--minimize", "widgets"]) == ["fast", "mid", "slow"])
    #expect(try order(["--average", "error,widgets:min"]) == ["fast", "mid", "slow"])

    let text = try run("mlw", ["stats", "rank", path, "--weights", "acc=0.7,latency_ms=0.3"]).stdout
    #expect(text.contains("policy: maximise the weighted average 0.7×acc − 0.3×latency_ms (lower-is-better metrics enter negated)"), "\(text)")
    #expect(!text.contains("assumed"))
    #expect(try run("mlw", ["stats", "rank", path, "--metric", "error"]).stdout.hasPrefix("policy: minimise error\n"))
    // An unknown name: higher is better, and the output says it assumed so.
    let assumed = try run("mlw", ["stats", "rank", path, "--metric", "widgets"])
    #expect(assumed.stdout.contains("note: widgets: higher is better, assumed"), "\(assumed.stdout)")
    let json = try run("mlw", ["stats", "rank", path, "--metric", "widgets", "--json"]).json
    #expect(json?["directions"]?.arrayValue?.first?["source"] == .string("assumed"))
    #expect(json?["directions"]?.arrayValue?.first?["direction"] == .string("higher"))
    #expect(
      try run("mlw", ["stats", "rank", path, "--metric", "error", "--json"]).json?["directions"]?.arrayValue?.first?["source"] == .string("name"))

    // Refused: a mix whose signs would be a guess, two directions for one name, a direction for a stray name.
    for (arguments, fragment) in [
      (["--average", "error,widgets"], "widgets"),
      (["--metric", "error:max", "--minimize", "error"], "both directions"),
      (["--metric", "acc", "--minimize", "widgets"], "'widgets' is not a metric of the rule"),
      (["--metric", "acc:sideways"], "is not NAME, NAME:min or NAME:max"),
      (["--average", "error,error"], "'error' is listed twice"),
      (["--weights", "error=1,error=2"], "'error' is listed twice"),
      (["--weights", "acc=1e308,error:max=1e308"], "the weights add up to more than double precision holds"),
      (["--weights", "acc=0,error:max=0"], "all weights are zero"),
    ] {
      let refused = try run("mlw", ["stats", "rank", path] + arguments)
      #expect(refused.status == 3, "\(arguments): \(refused.status) \(refused.stderr)")
      #expect(refused.stderr.contains(fragment) && refused.stderr.split(separator: "\n").count == 1, "\(arguments): \(refused.stderr)")
    }
  }

  /// Scores that overflow (1e308 averaged) crashed `--json` with exit 9: refused in one line.
  @Test func overflowingScoresAreRefusedNotPrinted() throws {
    let path = try file("huge.csv", "model,error,loss\na,1e308,1e308\nb,0.1,0.1\n")
    for arguments in [["--average", "error,loss"], ["--average", "error,loss", "--json"]] {
      let result = try run("mlw", ["stats", "rank", path] + arguments)
      #expect(result.status == 3, "\(arguments): \(result.stdout) \(result.stderr)")
      #expect(result.stderr.contains("the score of model 'a' is not a finite number"), "\(result.stderr)")
    }
    let single = try run("mlw", ["stats", "rank", path, "--optimize", "error"])
    #expect(single.stdout.hasPrefix("policy: minimise error (no bars)\n") && single.stdout.contains("1e+308"), "\(single.stdout)")
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
        ["stats", "agreement", try file("single.csv", "unit,coder,value\nu1,a,x\nu1,b,x\nu2,a,y\n"), "--strict"], 3,
        "line 4: unit 'u2' is rated by one coder only (refused by --strict)"
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
        ["stats", "rank", try file("m5.csv", "model,precision\n\"m1\nfake row\",0.5\n"), "--metric", "precision"], 3,
        "line 2: the model name holds a line break"
      ),
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
    // The table: quantity, how many comparisons, the largest difference ("-" for exact ones).
    var compared: [String: Int] = [:]
    for line in text.split(separator: "\n").dropFirst() where !line.hasPrefix("crosscheck:") {
      let fields = line.split(separator: " ", omittingEmptySubsequences: true)
      guard fields.count >= 3, let count = Int(fields[fields.count - 2]) else { continue }
      let name = fields[..<(fields.count - 2)].joined(separator: " ")
      compared[name, default: 0] += count
      if let difference = Double(fields[fields.count - 1]) { #expect(difference <= 1e-9, "\(name): \(difference)") }
    }
    // Every family of statistics is compared, each on several random inputs.
    let families = [
      "krippendorffAlpha.nominal", "krippendorffAlpha.ordinal", "krippendorffAlpha.interval", "krippendorffAlpha.ratio", "fleissKappa",
      "gwetAC1", "congerKappa", "brennanPrediger", "cohenKappa", "cohenKappa.quadratic", "percentAgreement", "accuracy", "macro.f1",
      "weighted.f1", "mcc", "rocAuc", "averagePrecision", "ks.statistic", "ks.pValue", "psi", "chi2.statistic", "chi2.pValue",
      "ztest.pValue", "wasserstein.normed", "js", "rank.weightedAverage", "rank.order", "singleRatedUnits",
    ]
    for family in families {
      let count = compared.filter { $0.key == family || $0.key.hasPrefix(family + " (") }.values.reduce(0, +)
      #expect(count >= 5, "\(family) compared \(count) times")
    }
    let summary = text.split(separator: "\n").last { $0.hasPrefix("crosscheck:") } ?? ""
    #expect(summary.contains(" 0 failures"), "\(summary)")
    let total = summary.split(separator: " ").dropFirst().first.flatMap { Int($0) } ?? 0
    #expect(total >= 1_000, "\(summary)")
    print(summary)
  }
}
