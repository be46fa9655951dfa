import ArgumentParser
import Lifecycle
import Statistics

extension Mlw.Manager {
  struct Report: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "report",
      abstract:
        "The agreement report: every coefficient, per category, per annotator pair, against gold, with intervals and the trend across guideline versions.",
      discussion: """
        Items with one label are left out (they carry no agreement information). The coefficients equal \
        'mlw stats agreement' on the raw export (mlw manager export DATASET --kind raw).
        """)
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
    @Option(help: "Only this batch (from 1).") var batch: Int?
    @Option(help: "Only labels made under this guideline version.") var guidelines: Int?
    @Option(help: "Bootstrap draws over items for 95% intervals (0: none).") var bootstrap: Int = 1000
    @Option(help: "Seed of the bootstrap.") var seed: UInt64 = 1

    func validate() throws {
      guard (0...100_000).contains(bootstrap) else { throw ValidationError("--bootstrap must be from 0 to 100000") }
    }

    struct Output: CommandOutput {
      var report: AnnotationReport

      func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

      func render() -> String {
        let r = report
        var scope = r.scope.dataset
        if let b = r.scope.batch { scope += ", batch \(b)" }
        if let g = r.scope.guidelines { scope += ", guidelines v\(g)" }
        var text =
          "\(scope): \(r.items) items with 2+ labels, \(r.agreement.coders) annotators, \(r.agreement.ratings) labels, level \(r.agreement.level.rawValue)"
        text += "; \(r.skips) skip(s) left out\n"
        text += leftOutLines(r.agreement) + "\n" + agreementTables(r.agreement)
        if let perLabel = r.perLabel {
          text += "\nper label (presence, yes/no):\n"
          var table = TextTable(["LABEL", "ALPHA", "AGREEMENT"], alignments: [.left, .right, .right])
          for l in perLabel { table.add([l.label, TextTable.cell(l.krippendorffAlpha), TextTable.cell(l.percentAgreement)]) }
          text += table.render(indent: "  ")
        }
        text += "\nagainst gold: "
        if r.gold.isEmpty {
          text += r.goldOverall.value == nil ? "\(TextTable.cell(r.goldOverall))\n" : "\n"
          if case .undefined(let reason) = r.goldOverall { text += "  \(reason)\n" }
        } else {
          text += "\(percent(r.goldOverall)) correct overall\n"
          var table = TextTable(["ANNOTATOR", "GOLD ITEMS", "CORRECT", "ACCURACY"], alignments: [.left, .right, .right, .right])
          for g in r.gold.sorted(by: { ($0.accuracy.value ?? 0) < ($1.accuracy.value ?? 0) }) {
            table.add([g.annotator, String(g.answered), String(g.correct), percent(g.accuracy)])
          }
          text += table.render(indent: "  ")
        }
        if !r.trend.isEmpty {
          text += "\nacross guideline versions:\n"
          var table = TextTable(
            ["GUIDELINES", "ITEMS", "LABELS", "ALPHA", "CHANGE", "AGREEMENT", "FLEISS", "AC1", "GOLD"],
            alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .right])
          for t in r.trend {
            table.add([
              t.guidelines == 0 ? "imported" : "v\(t.guidelines)", String(t.items), String(t.labels), TextTable.cell(t.krippendorffAlpha),
              t.alphaChange.map { String(format: "%+.4f", $0) } ?? "", TextTable.cell(t.percentAgreement), TextTable.cell(t.fleissKappa),
              TextTable.cell(t.gwetAC1),
              percent(t.goldAccuracy),
            ])
          }
          text += table.render(indent: "  ")
        }
        if r.weakCategories.isEmpty, r.weakAnnotators.isEmpty {
          text += "\nnothing in particular pulls agreement down\n"
        } else {
          text += "\npulling agreement down:\n"
          for d in r.weakCategories { text += "  category \(d.name): \(d.reason)\n" }
          for d in r.weakAnnotators { text += "  annotator \(d.name): \(d.reason)\n" }
        }
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      Output(
        report: try context.requireWorkspace().annotationReport(
          dataset: dataset, batch: batch, guidelines: guidelines, bootstrap: bootstrap, seed: seed))
    }
  }
}
