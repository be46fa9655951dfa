import ArgumentParser
import Lifecycle

// What the commands of readiness share (`lead readiness set|show`).

/// What the readiness commands print.
struct ReadinessOutput: CommandOutput {
  var version: Int
  var readiness: Readiness
  var sections: [String: Double]
  var score: Double
  var band: String

  init(version: Int, readiness: Readiness) {
    self.version = version
    self.readiness = readiness
    sections = readiness.sectionScores
    score = readiness.score
    band = Readiness.band(readiness.score)
  }

  func render() -> String {
    var table = TextTable(["TEST", "STATUS", "WHAT", "EVIDENCE"])
    for section in Readiness.sections {
      for (i, text) in section.tests.enumerated() {
        let id = "\(section.id).\(i + 1)"
        let entry = readiness.tests[id]
        table.add([id, entry?.status ?? "not-done", text, entry?.evidence ?? ""])
      }
    }
    var sums = TextTable(["SECTION", "POINTS"], alignments: [.left, .right])
    for section in Readiness.sections { sums.add([section.id, String(sections[section.id] ?? 0)]) }
    return "readiness v\(version)\n" + table.render() + "\n" + sums.render() + "score \(score) (the lowest section): \(band)\n"
  }
}
