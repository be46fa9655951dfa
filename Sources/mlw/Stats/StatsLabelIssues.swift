import ArgumentParser
import Foundation
import Lifecycle
import Statistics

extension Mlw.Stats {
  /// `mlw stats label-issues FILE`: items whose given label is likely wrong, by confident learning.
  struct LabelIssues: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "label-issues",
      abstract: "Likely label errors by confident learning (Northcutt et al. 2021), as cleanlab's find_label_issues finds them.",
      discussion: """
        FILE is CSV or JSON Lines with item, label and one proba[CLASS] column per class: out-of-sample predicted \
        probabilities (from cross-validation), each row summing to 1. The classes are the proba columns, in header \
        order (JSON Lines: numeric order when every class is a number, else text order). Issues are ranked by \
        self-confidence, the probability of the given label, lowest first.
        """)
    static let effect = Effect.reads
    static let reach = Reach.anyone

    /// How many issues the text output lists; `--json` has them all.
    static let shownIssues = 50

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The predictions file.")
    var file: InputFile

    struct Output: CommandOutput {
      /// One flagged item.
      struct Issue: Encodable, Sendable {
        var item: String
        var label: String
        var suspected: String
        var selfConfidence: Double
      }

      /// How many flagged items have a given label while the model predicts another class.
      struct Pair: Encodable, Sendable {
        var given: String
        var suspected: String
        var count: Int
      }

      var items: Int
      var classes: [String]
      var issues: [Issue]
      var confusedPairs: [Pair]
      var file: String

      enum CodingKeys: String, CodingKey {
        case items, classes, issues, confusedPairs
      }

      func render() -> String {
        let found = issues.count == 1 ? "1 likely label issue" : "\(issues.count) likely label issues"
        var text = "\(file): \(items) items, \(classes.count) classes; \(found) (confident learning, lowest self-confidence first)\n"
        guard !issues.isEmpty else { return text }
        var table = TextTable(["ITEM", "LABEL", "SUSPECTED", "SELF-CONFIDENCE"], alignments: [.left, .left, .left, .right])
        for issue in issues.prefix(LabelIssues.shownIssues) {
          table.add([issue.item, issue.label, issue.suspected, String(format: "%.4f", issue.selfConfidence)])
        }
        text += "\n" + table.render()
        if issues.count > LabelIssues.shownIssues { text += "(the first \(LabelIssues.shownIssues) of \(issues.count); --json lists all)\n" }
        var pairs = TextTable(["GIVEN", "SUSPECTED", "COUNT"], alignments: [.left, .left, .right])
        for pair in confusedPairs { pairs.add([pair.given, pair.suspected, String(pair.count)]) }
        text += "\nconfused pairs (given label, predicted class):\n" + pairs.render(indent: "  ")
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let path = try context.path(reading: file)
      let input = try TabularInput(file: path)
      let isCSV = !input.header.isEmpty
      let probabilityColumns = (isCSV ? input.header : input.columnNames).filter { $0.hasPrefix("proba[") && $0.hasSuffix("]") }
      var classes = probabilityColumns.map { String($0.dropFirst("proba[".count).dropLast()) }
      if !isCSV { classes = ClassificationReport.orderedLabels(Set(classes)) }
      guard classes.count >= 2 else {
        throw InputError(
          file: path, line: 1,
          "the file needs one proba[CLASS] column per class, at least two (it has \(classes.isEmpty ? "none" : classes.joined(separator: ", ")))")
      }
      let classIndex = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })

      var items: [String] = []
      var lines: [Int] = []
      var labels: [Int] = []
      var probabilities: [Double] = []
      var firstLine: [String: Int] = [:]
      try input.forEachRow(columns: ["item", "label"] + classes.map { "proba[\($0)]" }) { line, fields in
        guard let item = fields[0], !item.isEmpty else { throw InputError(file: path, line: line, "the item is empty") }
        if let earlier = firstLine.updateValue(line, forKey: item) {
          throw InputError(file: path, line: line, "the item '\(item)' appears again (first on line \(earlier)); give each item one row")
        }
        guard let label = fields[1], !label.isEmpty else { throw InputError(file: path, line: line, "the label is empty") }
        guard let index = classIndex[label] else {
          throw InputError(
            file: path, line: line, "the label '\(label)' has no proba[\(label)] column (the classes are \(classes.joined(separator: ", ")))")
        }
        for (name, field) in zip(classes, fields.dropFirst(2)) {
          guard let text = field, let p = Double(text), p.isFinite else {
            throw InputError(file: path, line: line, "proba[\(name)] '\(field ?? "")' is not a number")
          }
          probabilities.append(p)
        }
        items.append(item)
        lines.append(line)
        labels.append(index)
      }
      guard !items.isEmpty else { throw InputError(file: path, "no rows after the header") }

      let result: ConfidentLearning.Result
      do {
        result = try ConfidentLearning.findLabelIssues(labels: labels, probabilities: probabilities, classCount: classes.count)
      } catch .probabilityOutOfRange(let item, let column, let value) {
        throw InputError(file: path, line: lines[item], "proba[\(classes[column])] is \(value), outside 0 to 1")
      } catch .rowDoesNotSumToOne(let item, let sum) {
        throw InputError(file: path, line: lines[item], "the probabilities sum to \(sum), not 1 (within 1e-6)")
      } catch {
        throw InputError(file: path, error.message)
      }
      let issues = zip(result.issues, zip(result.suspected, result.selfConfidence)).map { item, prediction in
        Output.Issue(item: items[item], label: classes[labels[item]], suspected: classes[prediction.0], selfConfidence: prediction.1)
      }
      let pairs = result.confusedPairs.map { Output.Pair(given: classes[$0.given], suspected: classes[$0.suspected], count: $0.count) }
      return Output(items: items.count, classes: classes, issues: issues, confusedPairs: pairs, file: file.given)
    }
  }
}
