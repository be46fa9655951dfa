import ArgumentParser
import Foundation
import Lifecycle
import Statistics

extension Mlw.Stats {
  /// `mlw stats classification FILE`: confusion matrix and every classification metric.
  struct Classification: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "classification",
      abstract: "Classification metrics: confusion matrix, per-class P/R/F1, averages, kappa, MCC; AP and ROC AUC with scores.",
      discussion: "FILE is CSV or JSON Lines with truth,prediction and optionally score (higher means more positive).")
    static let effect = Effect.reads
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The predictions file.")
    var file: InputFile

    @Option(help: "The positive class for score-based figures (default: 1 or true when present).")
    var positive: String?

    @Option(name: .customLong("min-recall"), help: "A required recall for 'precision at recall' (repeatable; default 0.5 0.8 0.9 0.95).")
    var minRecall: [Double] = []

    @Flag(help: "Include the whole precision-recall curve in --json output.")
    var curve = false

    func validate() throws {
      if let bad = minRecall.first(where: { !(0...1).contains($0) }) {
        throw ValidationError("--min-recall \(bad) is outside 0 to 1")
      }
    }

    struct Output: CommandOutput {
      var report: ClassificationReport
      var file: String

      func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

      func render() -> String {
        let total = report.confusionMatrix.reduce(0) { $0 + $1.reduce(0, +) }
        var text = "\(file): \(total) rows, \(report.labels.count) classes\n\nconfusion matrix (rows: truth, columns: prediction):\n"
        var matrix = TextTable([""] + report.labels, alignments: [.left] + report.labels.map { _ in .right })
        for (label, row) in zip(report.labels, report.confusionMatrix) { matrix.add([label] + row.map(String.init)) }
        text += matrix.render(indent: "  ") + "\n"
        var classes = TextTable(["CLASS", "PRECISION", "RECALL", "F1", "SUPPORT"], alignments: [.left, .right, .right, .right, .right])
        for c in report.perClass {
          classes.add([c.label, TextTable.cell(c.precision), TextTable.cell(c.recall), TextTable.cell(c.f1), String(c.support)])
        }
        for (name, a) in [("macro", report.macro), ("weighted", report.weighted), ("micro", report.micro)] {
          classes.add([name, TextTable.cell(a.precision), TextTable.cell(a.recall), TextTable.cell(a.f1), ""])
        }
        text += classes.render() + "\n"
        var summary = TextTable(["METRIC", "VALUE"], alignments: [.left, .right])
        summary.add(["accuracy", TextTable.cell(report.accuracy)])
        summary.add(["balanced accuracy", TextTable.cell(report.balancedAccuracy)])
        summary.add(["Cohen's kappa", TextTable.cell(report.cohenKappa)])
        summary.add(["Matthews correlation", TextTable.cell(report.mcc)])
        if let positive = report.positive {
          summary.add(["average precision (\(positive))", TextTable.cell(report.averagePrecision)])
          summary.add(["ROC AUC (\(positive))", TextTable.cell(report.rocAuc)])
          for p in report.precisionAtRecall ?? [] {
            let at = p.threshold.map { String(format: " at score >= %.4g", $0) } ?? ""
            summary.add(["precision at recall >= \(p.requiredRecall)\(at)", TextTable.cell(p.precision)])
          }
        }
        text += summary.render()
        if !report.warnings.isEmpty { text += "\n" + report.warnings.map { "warning: \($0)\n" }.joined() }
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let path = try context.path(reading: file)
      let input = try ClassificationInput(file: path)
      if let problem = ClassificationReport.tooManyLabels(Set(input.truth).union(input.prediction).count) {
        throw InputError(file: file.given, problem)
      }
      var positiveClass: String?
      if input.scores != nil {
        let labels = Set(input.truth).union(input.prediction)
        if let positive {
          guard labels.contains(positive) else {
            throw InputError(
              file: path,
              "the positive class '\(positive)' does not occur; the classes are \(ClassificationReport.orderedLabels(labels).joined(separator: ", "))"
            )
          }
          positiveClass = positive
        } else if let guess = ["1", "true", "yes", "positive"].first(where: labels.contains) {
          positiveClass = guess
        } else {
          throw InputError(
            file: path,
            "the file has scores; name the positive class with --positive (classes: \(ClassificationReport.orderedLabels(labels).joined(separator: ", ")))"
          )
        }
      }
      let report = ClassificationReport.analyze(
        truth: input.truth, prediction: input.prediction, scores: input.scores, positive: positiveClass,
        requiredRecalls: minRecall.isEmpty ? [0.5, 0.8, 0.9, 0.95] : minRecall, includeCurve: curve)
      return Output(report: report, file: file.given)
    }
  }
}
