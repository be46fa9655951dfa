import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// The README's quickstart, run as a newcomer would run it: every line of every `sh` block of
/// the Quickstart section, `swift run mlw` being the built binary, in a fresh folder holding a
/// copy of the shipped `Workspaces/`. A README whose commands fail or whose numbers moved fails
/// here.
@Suite struct ReadmeTests {
  static let readme = (try? String(contentsOfFile: Products.packageRoot + "/README.md", encoding: .utf8)) ?? ""

  /// The `sh` blocks of the section headed `## <title>`.
  static func shellBlocks(in title: String) -> [[String]] {
    guard let start = readme.range(of: "\n## \(title)\n") else { return [] }
    let rest = readme[start.upperBound...]
    let section = rest.range(of: "\n## ").map { rest[..<$0.lowerBound] } ?? rest
    var blocks: [[String]] = []
    var current: [String]?
    for line in section.split(separator: "\n", omittingEmptySubsequences: false) {
      if line.hasPrefix("```sh") {
        current = []
      } else if line.hasPrefix("```"), let lines = current {
        blocks.append(lines)
        current = nil
      } else if current != nil {
        current!.append(String(line))
      }
    }
    return blocks
  }

  /// The words of a command line: spaces split, double quotes group, `  # …` is a comment.
  static func words(_ line: String) -> [String] {
    var words: [String] = []
    var word = ""
    var quoted = false
    var hasWord = false
    for c in line {
      if c == "\"" {
        quoted.toggle()
        hasWord = true
      } else if c == " ", !quoted {
        if hasWord { words.append(word) }
        word = ""
        hasWord = false
      } else if c == "#", !quoted, !hasWord {
        break
      } else {
        word.append(c)
        hasWord = true
      }
    }
    if hasWord { words.append(word) }
    return words
  }

  @Test func everyQuickstartCommandRunsAsWritten() throws {
    let blocks = Self.shellBlocks(in: "Quickstart")
    #expect(blocks.count >= 2)
    let folder = makeTemporaryFolder("mlw-readme")
    try FileManager.default.copyItem(atPath: Products.packageRoot + "/Workspaces", toPath: folder + "/Workspaces")
    let scratch = makeTemporaryFolder("mlw-readme-scratch")
    var environment: [String: String] = [:]
    var ran = 0
    for line in blocks.joined() {
      let words = Self.words(line)
      guard let first = words.first else { continue }
      switch first {
      case "export":
        for assignment in words.dropFirst() {
          let parts = assignment.split(separator: "=", maxSplits: 1).map(String.init)
          // The scratch root of the README, made fresh for this run.
          environment[parts[0]] = parts[1].hasPrefix("/tmp/") ? scratch + "/" + parts[1].dropFirst(5) : parts[1]
        }
      case "swift" where words.starts(with: ["swift", "run", "mlw", "serve"]):
        // Served from the folder's Workspaces/ on a free port, and stopped.
        let server = try ServerProcess(root: folder + "/Workspaces", arguments: Array(words.dropFirst(4)))
        let client = try LineClient(port: server.port)
        #expect(try client.request("help")["result"] != nil)
        #expect(server.stop() == 0)
        ran += 1
      case "swift":
        #expect(words.starts(with: ["swift", "run", "mlw"]), "\(line)")
        let result = try run("mlw", Array(words.dropFirst(3)), environment: environment, in: folder)
        #expect(result.status == 0, "\(line): \(result.stderr)")
        #expect(!result.stdout.isEmpty, "\(line) printed nothing")
        ran += 1
      case "scripts/test":
        continue  // the command running this test
      default:
        Issue.record("the quickstart has a line this test does not know how to run: \(line)")
      }
    }
    #expect(ran >= 9)
  }

  /// The annotation section's worked example: agreement rising from 0.38 under v1 to 0.74 under v3.
  @Test func theShippedAnnotationExampleSaysWhatTheReadmeSays() throws {
    #expect(Self.readme.contains("rising from alpha 0.38 under v1 to 0.74 under v3"))
    let root = Products.packageRoot + "/Workspaces"
    for (version, alpha) in [(1, 0.38), (3, 0.74)] {
      let report = try mlw(
        ["manager", "report", "joints", "-w", "pcb-defects", "--guidelines", String(version), "--bootstrap", "0", "--json"], root: root, as: "mara")
      let value = try #require(report.json?["agreement"]?["krippendorffAlpha"]?.doubleValue, "\(report.stderr)")
      #expect((value * 100).rounded() / 100 == alpha, "v\(version): \(value)")
    }
  }
}
