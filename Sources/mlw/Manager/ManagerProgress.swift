import ArgumentParser
import Lifecycle

extension Mlw.Manager {
  struct Progress: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "progress", abstract: "Progress per annotator (done, assigned, labels per hour) and overall.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String

    struct Output: CommandOutput {
      var progress: AnnotationProgress

      func encode(to encoder: any Encoder) throws { try progress.encode(to: encoder) }

      func render() -> String {
        let p = progress
        var table = TextTable(
          ["ANNOTATOR", "ASSIGNED", "GOLD", "LABELLED", "SKIPPED", "REMAINING", "DONE", "LABELS/H", "LAST ACTIVE"],
          alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .left])
        for a in p.annotators {
          let done = a.assigned > 0 ? String(format: "%.0f%%", Double(a.labelled + a.skipped) / Double(a.assigned) * 100) : "-"
          table.add([
            a.annotator, String(a.assigned), String(a.gold), String(a.labelled), String(a.skipped), String(a.remaining), done,
            a.labelsPerHour.value.map { String(format: "%.0f", $0) } ?? "-", a.lastActive.map(shortTime) ?? "-",
          ])
        }
        let overall = p.assigned > 0 ? String(format: "%.1f%%", Double(p.done) / Double(p.assigned) * 100) : "-"
        return
          "\(p.dataset) (assignment v\(p.assignmentVersion), overlap \(p.overlap)): \(p.complete) of \(p.items) items have \(p.overlap) label(s); \(p.done) of \(p.assigned) assigned done (\(overall))\n"
          + table.render(indent: "  ")
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      Output(progress: try context.requireWorkspace().annotationProgress(dataset))
    }
  }
}
