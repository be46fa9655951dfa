import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

extension Mlw.Manager {
  struct Export: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "export",
      abstract: "Export the consensus labels (adjudicated, else majority with a stated tie rule) or the raw labels, as CSV or JSON Lines.",
      discussion: """
        consensus: item,label,source,labels,agreement,votes (source: adjudicated, majority, tie-broken or tie; agreement: \
        the share of the item's labels equal to the consensus). raw: item,annotator,label,guidelines,time, one row per \
        annotator's current label (skips left out); 'mlw stats agreement' reads it as it is.
        """)
    static let access = Access.roles([.manager, .lead, .sme, .engineer])

    enum Kind: String, ExpressibleByArgument, CaseIterable { case consensus, raw }
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.") var dataset: String
    @Option(help: "consensus or raw.") var kind: Kind = .consensus
    @Option(help: "csv or jsonl.") var format: Format = .csv
    @Option(help: "How a tie between top labels is settled: unresolved (no label, source 'tie') or schema-order.") var ties: TieRule = .unresolved
    @Option(help: "Write to this file (atomically) instead of standard output.") var output: String?

    struct Output: CommandOutput {
      var dataset: String
      var kind: String
      var tieRule: String?
      var rows: [JSONValue]
      var file: String?
      var text: String

      enum CodingKeys: String, CodingKey { case dataset, kind, tieRule, rows, file }

      func render() -> String {
        guard let file else { return text }
        return "wrote \(rows.count) \(kind) row(s) of \(dataset) to \(file)\(tieRule.map { " (ties: \($0))" } ?? "")\n"
      }
    }

    func execute(_ context: CommandContext) async throws -> Output {
      let workspace = try context.requireWorkspace()
      let columns: [String]
      var rows: [JSONValue] = []
      switch kind {
      case .consensus:
        columns = ["item", "label", "source", "labels", "agreement", "votes"]
        for row in try workspace.consensus(dataset, ties: ties) {
          rows.append(.object([
            "item": .string(row.item), "label": row.label.map(JSONValue.string) ?? .null, "source": .string(row.source),
            "labels": .int(row.labels), "agreement": .double(row.agreement),
            "votes": .object(row.votes.mapValues { .int($0) }),
          ]))
        }
      case .raw:
        columns = ["item", "annotator", "label", "guidelines", "time"]
        let labels = try workspace.labels(dataset)
        let entries = labels.entries.filter { $0.value >= 0 }.sorted {
          (labels.items[Int($0.item)], labels.annotators[Int($0.annotator)]) < (labels.items[Int($1.item)], labels.annotators[Int($1.annotator)])
        }
        for e in entries {
          rows.append(.object([
            "item": .string(labels.items[Int(e.item)]), "annotator": .string(labels.annotators[Int(e.annotator)]),
            "label": .string(labels.values[Int(e.value)]), "guidelines": .int(Int(e.guidelines)),
            "time": .string(Timestamp.format(Date(timeIntervalSince1970: TimeInterval(e.time)))),
          ]))
        }
      }
      guard !rows.isEmpty else { throw AnnotationError.noLabels(dataset: dataset) }
      var text = format == .csv ? columns.joined(separator: ",") + "\n" : ""
      for row in rows {
        if format == .jsonl {
          text += row.canonicalString(pretty: false) + "\n"
          continue
        }
        text += columns.map { key -> String in
          switch row[key] {
          case .string(let s)?: return s
          case .int(let n)?: return String(n)
          case .double(let d)?: return String(format: "%.6g", d)
          case .object(let votes)?: return votes.keys.sorted().map { "\($0):\(votes[$0]!.intValue ?? 0)" }.joined(separator: ";")
          default: return ""
          }
        }.joined(separator: ",") + "\n"
      }
      if let output {
        try FileIO.replace(Array(text.utf8), at: output)
      }
      return Output(dataset: dataset, kind: kind.rawValue, tieRule: kind == .consensus ? ties.rawValue : nil, rows: rows, file: output, text: text)
    }
  }
}
