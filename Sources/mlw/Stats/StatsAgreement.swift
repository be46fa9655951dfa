import ArgumentParser
import Foundation
import Lifecycle
import Statistics

extension Mlw.Stats {
  /// `mlw stats agreement FILE`: every agreement coefficient of a ratings file.
  struct Agreement: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "agreement",
      abstract: "Agreement between coders: alpha, kappas, AC1, per category, per coder pair, with bootstrap intervals.",
      discussion: """
        FILE is CSV with the header unit,coder,value (an empty value is a missing rating) or JSON Lines \
        with those keys; item,annotator,label (mlw's raw label export) is read the same way. Values may be \
        numbers or text; numbers order the categories numerically, --categories gives another order.
        """)
    static let effect = Effect.reads
    static let reach = Reach.anyone

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The ratings file.")
    var file: InputFile

    @Option(help: "Measurement level of the values: nominal, ordinal, interval, ratio.")
    var level: MeasurementLevel = .nominal

    @Option(help: "Bootstrap draws over units for 95% intervals (0: none).")
    var bootstrap: Int = 1000

    @Option(help: "Seed of the bootstrap, for reproducible intervals.")
    var seed: UInt64 = 1

    @Flag(help: "Refuse a file in which some unit is rated by one coder only (by default such units are kept and reported).")
    var strict = false

    /// The default since single-rated units are kept; accepted so that older scripts still run.
    @Flag(help: .hidden) var allowSingle = false

    @Option(help: "The categories in order, comma-separated (an ordinal scale of named grades, e.g. low,medium,high).")
    var categories: String?

    func validate() throws {
      guard (0...100_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be from 0 to 100000") }
      if strict, allowSingle { throw ValidationError("--strict refuses the single-rated units that --allow-single keeps; give one of them") }
    }

    struct Output: CommandOutput {
      var report: AgreementReport
      var file: String

      func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

      func render() -> String {
        return
          "\(file): \(report.units) units, \(report.coders) coders, \(report.ratings) ratings, \(report.categories.count) categories, level \(report.level.rawValue)\n"
          + leftOutLines(report) + "\n" + agreementTables(report)
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let order = categories.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
      let input = try RatingsInput(file: try context.path(reading: file), level: level, strict: strict, categoryOrder: order)
      let report = AgreementReport.analyze(
        input.table, level: level, coderNames: input.coders, bootstrap: bootstrap, seed: seed, jobs: concurrently)
      return Output(report: report, file: file.given)
    }
  }
}

/// What the coefficients did with single-rated units, one line each ("" when there are none).
func leftOutLines(_ report: AgreementReport) -> String {
  let names = [
    "krippendorffAlpha": "alpha", "percentAgreement": "percent agreement", "cohenKappa": "Cohen's kappa", "fleissKappa": "Fleiss",
    "randolphKappa": "Randolph", "gwetAC1": "Gwet's AC1", "brennanPrediger": "Brennan-Prediger", "congerKappa": "Conger",
    "weighted": "the weighted coefficients",
  ]
  guard report.singleRatedUnits > 0 else { return "" }
  var text = "\(report.singleRatedUnits) unit(s) rated by one coder only (no pair of ratings):\n"
  for item in report.leftOut {
    let what = item.reason.split(separator: ":", maxSplits: 1).last.map { $0.trimmingCharacters(in: .whitespaces) } ?? item.reason
    text += "  \(item.coefficients.map { names[$0] ?? $0 }.joined(separator: ", ")): \(what)\n"
  }
  return text
}

/// The tables of an agreement report: coefficients with intervals, per category, per coder, the
/// pairwise matrix. Shared by `mlw stats agreement` and `mlw manager report`.
func agreementTables(_ report: AgreementReport) -> String {
  var text = ""
  var table = TextTable(["COEFFICIENT", "VALUE", "95% INTERVAL"], alignments: [.left, .right, .left])
  func row(_ name: String, _ key: String, _ estimate: Estimate?) {
    guard let estimate else { return }
    let interval = report.confidenceIntervals?.coefficients[key].map { String(format: "%.4f to %.4f", $0.low, $0.high) } ?? ""
    table.add([name, TextTable.cell(estimate), interval])
  }
  row("Krippendorff's alpha", "krippendorffAlpha", report.krippendorffAlpha)
  row("percent agreement", "percentAgreement", report.percentAgreement)
  row("Fleiss' kappa", "fleissKappa", report.fleissKappa)
  row("Cohen's kappa", "cohenKappa", report.cohenKappa)
  row("Conger's kappa", "congerKappa", report.congerKappa)
  row("Gwet's AC1", "gwetAC1", report.gwetAC1)
  row("Brennan-Prediger", "brennanPrediger", report.brennanPrediger)
  row("Randolph's kappa", "randolphKappa", report.randolphKappa)
  if let weighted = report.weighted {
    row("Gwet's AC2 (\(weighted.weights) weights)", "", weighted.gwetAC2)
    row("Fleiss' kappa (\(weighted.weights))", "", weighted.fleissKappa)
    row("Cohen's kappa (linear)", "", weighted.cohenKappaLinear)
    row("Cohen's kappa (quadratic)", "", weighted.cohenKappaQuadratic)
  }
  text += table.render()
  let undefined = [report.krippendorffAlpha, report.fleissKappa, report.gwetAC1].compactMap { estimate -> String? in
    if case .undefined(let reason) = estimate { return reason }
    return nil
  }
  if let reason = undefined.first { text += "undefined: \(reason)\n" }

  text += "\nper category (this category against all others):\n"
  var categories = TextTable(["CATEGORY", "RATINGS", "SHARE", "ALPHA", "KAPPA"], alignments: [.left, .right, .right, .right, .right])
  for c in report.perCategory.sorted(by: { ($0.krippendorffAlpha.value ?? 2) < ($1.krippendorffAlpha.value ?? 2) }) {
    categories.add([
      c.category, String(c.count), String(format: "%.1f%%", c.share * 100), TextTable.cell(c.krippendorffAlpha), TextTable.cell(c.fleissKappa),
    ])
  }
  text += categories.render(indent: "  ")

  text += "\nper coder (lowest agreement first):\n"
  var coders = TextTable(["CODER", "RATINGS", "AGREES", "MEAN KAPPA", "ALPHA WITHOUT"], alignments: [.left, .right, .right, .right, .right])
  for c in report.perCoder.sorted(by: { ($0.agreementWithOthers.value ?? 2) < ($1.agreementWithOthers.value ?? 2) }) {
    coders.add([
      c.coder, String(c.ratings), TextTable.cell(c.agreementWithOthers), TextTable.cell(c.meanPairwiseKappa),
      TextTable.cell(c.krippendorffAlphaWithout),
    ])
  }
  text += coders.render(indent: "  ")
  let names = report.perCoder.map(\.coder)
  if names.count <= 12 {
    text += "\npairwise Cohen's kappa (coder x coder, on the units both rated):\n"
    var kappa: [String: String] = [:]
    for p in report.pairwise {
      kappa[p.coderA + "\u{0}" + p.coderB] = TextTable.cell(p.cohenKappa)
      kappa[p.coderB + "\u{0}" + p.coderA] = TextTable.cell(p.cohenKappa)
    }
    var matrix = TextTable([""] + names, alignments: [.left] + names.map { _ in .right })
    for a in names { matrix.add([a] + names.map { b in a == b ? "-" : kappa[a + "\u{0}" + b] ?? "" }) }
    text += matrix.render(indent: "  ")
  }
  if let ci = report.confidenceIntervals {
    text += "\nintervals: \(ci.method), \(ci.draws) draws, seed \(ci.seed)\n"
  }
  return text
}
