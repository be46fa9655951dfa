import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

extension Mlw.Manager.Item {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show",
      abstract: "Show an item's payload and URI, every annotator's label with its guideline version and time, the gold answer and adjudications.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
    @Argument(help: "The item id.") var item: String

    struct Output: CommandOutput {
      var detail: ItemDetail

      func encode(to encoder: any Encoder) throws { try detail.encode(to: encoder) }

      func render() -> String {
        let d = detail
        var text = "\(d.dataset) v\(d.datasetVersion), item \(d.item)\n"
        if let uri = d.uri { text += "uri: \(uri)\n" }
        if let payload = d.payload { text += "payload: \(payload.canonicalString(pretty: false))\n" }
        if let gold = d.gold { text += "gold: \(gold)\n" }
        if d.labels.isEmpty {
          text += "no labels yet\n"
        } else {
          var table = TextTable(["ANNOTATOR", "LABEL", "GUIDELINES", "TIME"])
          for l in d.labels {
            let label = (l.label ?? "(skipped)") + (l.firstLabel.map { " (first: \($0))" } ?? "")
            table.add([l.annotator, label, l.guidelines == 0 ? "imported" : "v\(l.guidelines)", shortTime(l.time)])
          }
          text += "labels:\n" + table.render(indent: "  ")
        }
        if d.adjudications.isEmpty {
          if Set(d.labels.compactMap(\.label)).count > 1 {
            text += "not adjudicated: mlw manager adjudicate \(d.dataset) \(d.item) LABEL --reason TEXT\n"
          }
        } else {
          text += "adjudications:\n"
          for a in d.adjudications { text += "  \(shortTime(a.time)) \(a.by) (\(a.role)): \(a.label), \(a.reason)\n" }
        }
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      Output(detail: try context.requireWorkspace().itemDetail(dataset, item: item))
    }
  }
}
