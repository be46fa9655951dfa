import Foundation
import Testing
import VersionedStore

@Suite struct LabelIssuesCrossCheckTests {
  let folder = makeTemporaryFolder("mlw-label-issues")

  func file(_ name: String, _ text: String) throws -> String {
    let path = folder + "/" + name
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  /// scripts/crosscheck_label_issues.py against cleanlab 2.9.0's `find_label_issues` on 30
  /// random datasets: the same issues in the same order in every case. (A case whose answer
  /// turns on the order numpy's unstable argsort gives tied values is compared with cleanlab run
  /// with a stable argsort, and counted as tie-dependent.)
  @Test func crossCheckAgainstCleanlab() throws {
    let result = try runPython("crosscheck_label_issues.py", ["--mlw", Products.path("mlw"), "--cases", "30"])
    let text = result.stdout
    #expect(result.status == 0, "\(text)")
    let summary = text.split(separator: "\n").last { $0.hasPrefix("crosscheck_label_issues:") } ?? ""
    // crosscheck_label_issues: 30 cases compared, 0 mismatches, 4 tie-dependent
    let numbers = summary.split(whereSeparator: { $0 == " " || $0 == "," }).compactMap { Int($0) }
    #expect(numbers.count == 3, "\(summary)")
    #expect(numbers.first == 30, "\(summary)")
    #expect(numbers.dropFirst().first == 0, "\(summary)")
    #expect(text.split(separator: "\n").filter { $0.hasPrefix("case ") }.count == 30, "\(text)")
    print(summary)
  }

  @Test func textAndJSONOfASmallFile() throws {
    let path = try file(
      "small.csv",
      """
      item,label,proba[cat],proba[dog],proba[bird]
      a,cat,0.9,0.05,0.05
      b,cat,0.8,0.1,0.1
      c,cat,0.1,0.85,0.05
      d,dog,0.1,0.8,0.1
      e,dog,0.2,0.7,0.1
      f,dog,0.05,0.9,0.05
      g,bird,0.1,0.1,0.8
      h,bird,0.05,0.05,0.9
      i,bird,0.7,0.2,0.1

      """)
    let json = try run("mlw", ["stats", "label-issues", path, "--json"])
    #expect(json.status == 0, "\(json.stderr)")
    let value = try #require(json.json)
    #expect(value["items"] == .int(9))
    #expect(value["classes"] == .array([.string("cat"), .string("dog"), .string("bird")]))
    let issues = value["issues"]?.arrayValue ?? []
    #expect(issues.map { $0["item"]?.stringValue } == ["c", "i"])
    #expect(issues.map { $0["suspected"]?.stringValue } == ["dog", "cat"])
    #expect(issues.first?["selfConfidence"]?.doubleValue == 0.1)
    #expect(value["confusedPairs"]?.arrayValue?.first?["given"] == .string("cat"))
    let text = try run("mlw", ["stats", "label-issues", path])
    #expect(text.status == 0, "\(text.stderr)")
    #expect(text.stdout.contains("9 items, 3 classes; 2 likely label issues"), "\(text.stdout)")
    #expect(text.stdout.contains("c     cat    dog                 0.1000"), "\(text.stdout)")
  }

  @Test func malformedInputGetsOneLineNamingTheLine() throws {
    let header = "item,label,proba[a],proba[b]\n"
    let cases: [(String, String)] = [
      (header + "1,a,0.6,0.4\n2,c,0.5,0.5\n", "line 3: the label 'c' has no proba[c] column (the classes are a, b)"),
      (header + "1,a,0.6,0.4\n2,b,0.5,0.6\n", "line 3: the probabilities sum to 1.1, not 1"),
      (header + "1,a,0.6,0.4\n2,b,x,0.6\n", "line 3: proba[a] 'x' is not a number"),
      (header + "1,a,1.5,-0.5\n", "line 2: proba[a] is 1.5, outside 0 to 1"),
      (header + "1,a,0.6,0.4\n1,b,0.5,0.5\n", "line 3: the item '1' appears again (first on line 2)"),
      ("item,label,proba[a]\n1,a,1\n", "line 1: the file needs one proba[CLASS] column per class, at least two"),
      ("item,proba[a],proba[b]\n1,0.5,0.5\n", "line 1: the header needs the column 'label'"),
    ]
    for (index, (content, fragment)) in cases.enumerated() {
      let result = try run("mlw", ["stats", "label-issues", try file("bad\(index).csv", content)])
      #expect(result.status == 3, "\(fragment): \(result.status) \(result.stderr)")
      #expect(result.stderr.contains(fragment), "\(result.stderr)")
      #expect(result.stderr.filter { $0 == "\n" }.count == 1, "\(result.stderr)")
    }
  }

  /// JSON Lines: the classes are the proba keys, in numeric order when all are numbers.
  @Test func jsonLinesOrderNumericClassesByValue() throws {
    var lines = ""
    for item in 0..<12 {
      let label = item % 3 == 0 ? 10 : item % 3 == 1 ? 2 : 1
      let p = [1: label == 1 ? 0.8 : 0.1, 2: label == 2 ? 0.8 : 0.1, 10: label == 10 ? 0.8 : 0.1]
      lines += #"{"item":"i\#(item)","label":\#(label),"proba[10]":\#(p[10]!),"proba[2]":\#(p[2]!),"proba[1]":\#(p[1]!)}"# + "\n"
    }
    let result = try run("mlw", ["stats", "label-issues", try file("p.jsonl", lines), "--json"])
    #expect(result.status == 0, "\(result.stderr)")
    #expect(result.json?["classes"] == .array([.string("1"), .string("2"), .string("10")]))
    #expect(result.json?["issues"]?.arrayValue?.isEmpty == true)
  }
}
