import Foundation
import Testing

@testable import Lifecycle

@Suite struct GuidelinesDocumentTests {
  let schema = LabelSchema(
    task: .singleLabel,
    labels: [
      .init(name: "ok", definition: "no defect"), .init(name: "bridge", definition: "two pads joined"), .init(name: "void", definition: "a hole"),
    ],
    level: .nominal)

  /// Whatever the guidelines hold, the Markdown `show --format md` writes is read back to the same
  /// record: random summaries, definitions and entries over several lines, with list markers,
  /// colons and heading-like text inside them (lines of two words or more: a line that is only
  /// "rules:" starts that part, as the format says).
  @Test func theMarkdownFormReadsBackToTheSameGuidelines() throws {
    var generator = SystemRandomNumberGenerator()
    let words = ["joint", "pad", "Positive", "rules:", "- dash", "a: b", "#", "x-ray", "0.1 mm", "«grain»", "Is", "* star"]
    func text(lines: ClosedRange<Int>) -> String {
      (0..<Int.random(in: lines, using: &generator)).map { _ in
        (0..<Int.random(in: 2...6, using: &generator)).map { _ in words.randomElement(using: &generator)! }.joined(separator: " ")
      }.joined(separator: "\n")
    }
    for _ in 0..<300 {
      var guidelines = Guidelines(summary: Bool.random(using: &generator) ? "Summary: " + text(lines: 1...3) : nil)
      for label in schema.labels where Bool.random(using: &generator) {
        let entries = { (0..<Int.random(in: 0...3, using: &generator)).map { _ in "e " + text(lines: 1...2) } }
        let section = Guidelines.Section(definition: "D " + text(lines: 1...2), positive: entries(), negative: entries(), rules: entries())
        guidelines.labels[label.name] = section
      }
      let markdown = guidelines.markdown(schema: schema, title: "Guidelines v1: test")
      let parsed = try Guidelines.parse(markdown: markdown, file: "g.md", schema: schema)
      #expect(parsed == guidelines, "\(markdown)")
    }
  }

  @Test func aSectionThatAddsNothingIsNotStoredAndAnEmptyDefinitionIsTheSchemas() throws {
    let parsed = try Guidelines.parse(markdown: "## ok\n\n## bridge\nPositive:\n- two pads\n", file: "g.md", schema: schema)
    #expect(parsed.labels["ok"] == nil)
    #expect(parsed.labels["bridge"] == .init(definition: "two pads joined", positive: ["two pads"]))
    #expect(parsed.summary == nil)
  }
}
