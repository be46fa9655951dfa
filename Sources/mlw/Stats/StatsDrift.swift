import ArgumentParser
import Foundation
import Lifecycle
import Statistics

extension Mlw.Stats {
  /// `mlw stats drift --reference FILE --current FILE`: per-column drift and a dataset verdict.
  struct Drift: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "drift",
      abstract: "Data drift between a reference and a current sample, per column and for the dataset.",
      discussion: "Both files are CSV with a header row. " + Statistics.Drift.defaultRule + ".")
    static let effect = Effect.reads
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    @Option(help: "The reference sample (CSV).") var reference: InputFile
    @Option(help: "The current sample (CSV).") var current: InputFile
    @Option(name: .customLong("column"), help: "A column to test (repeatable; default: every column both files have).")
    var columns: [String] = []
    @Option(help: "Use this test on every column: psi, ks, chi2, js, wasserstein, ztest (default: the rule).")
    var test: DriftTest?
    @Option(help: "Correct across the columns tested by p-value: bh (Benjamini–Hochberg), bonferroni or none.")
    var correction: Correction = .none

    struct Output: CommandOutput {
      var report: DriftReport

      func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

      func render() -> String {
        let corrected = report.columns.contains { $0.adjustedPValue != nil }
        var table = TextTable(
          ["COLUMN", "TEST", "STATISTIC", "P-VALUE"] + (corrected ? ["ADJUSTED"] : []) + ["THRESHOLD", "DRIFT"],
          alignments: [.left, .left, .right, .right] + (corrected ? [.right] : []) + [.right, .left])
        for c in report.columns {
          let verdict = c.drifted.map { $0 ? "yes" : "no" } ?? "undefined"
          let adjusted = corrected ? [c.adjustedPValue.map { TextTable.pValue(.value($0)) } ?? "-"] : []
          table.add(
            [c.column, c.test.rawValue, TextTable.cell(c.statistic), c.pValue.map { TextTable.pValue($0) } ?? "-"] + adjusted + [
              Figure.format(c.threshold), verdict,
            ])
        }
        let judged = report.columns.filter { $0.drifted != nil }.count
        var notes = ""
        for c in report.columns where c.nonFiniteReference + c.nonFiniteCurrent > 0 {
          notes +=
            "note: \(c.column): \(c.nonFiniteReference) reference and \(c.nonFiniteCurrent) current cell(s) read NaN or infinity, counted as missing\n"
        }
        return table.render() + notes
          + "\ndataset: \(report.datasetDrifted ? "DRIFTED" : "not drifted") (\(report.driftedColumns) of \(judged) columns drifted)\nrule: \(report.rule)\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let (reference, current) = (try context.path(reading: self.reference), try context.path(reading: self.current))
      // The default rule reads columns once without a String per cell; a chosen test may count
      // the texts of any column, so it reads them all.
      let refColumns: [String]
      let refData: [String: Statistics.Drift.Column]
      let curData: [String: Statistics.Drift.Column]
      if test == nil {
        let (ref, cur) = try ColumnarSample.pair(reference: reference, current: current)
        (refColumns, refData, curData) = (ref.columns, ref.data, cur.data)
      } else {
        let (ref, cur) = (try SampleInput(file: reference), try SampleInput(file: current))
        let column: ([String]) -> Statistics.Drift.Column = { Statistics.Drift.Column(texts: $0) }
        (refColumns, refData, curData) = (ref.columns, ref.values.mapValues(column), cur.values.mapValues(column))
      }
      let shared = refColumns.filter { curData[$0] != nil }
      let chosen: [String]
      if columns.isEmpty {
        guard !shared.isEmpty else { throw InputError(file: current, line: 1, "no column in common with \(reference)") }
        chosen = shared
      } else {
        for name in columns where refData[name] == nil || curData[name] == nil {
          let file = refData[name] == nil ? reference : current
          throw InputError(file: file, line: 1, "no column '\(name)' (columns in both files: \(shared.joined(separator: ", ")))")
        }
        chosen = columns
      }
      do {
        let report = try Statistics.Drift.analyze(reference: refData, current: curData, columns: chosen, test: test, jobs: concurrently)
        return Output(report: Statistics.Drift.corrected(report, correction))
      } catch DriftProblem.notNumeric(let column, let test) {
        throw InputError(file: reference, "column '\(column)' is not numeric, and --test \(test.rawValue) needs numbers")
      } catch DriftProblem.notTwoValued(let column, let values) {
        throw InputError(
          file: reference, "column '\(column)' has \(values > 100 ? "over 100" : String(values)) values; --test ztest needs exactly two")
      }
    }
  }
}
