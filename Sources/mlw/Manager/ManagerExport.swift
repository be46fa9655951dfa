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
        the share of the item's labels equal to the consensus; votes: label:count;…). raw: item,annotator,label,guidelines,time, \
        one row per annotator's current label (skips left out); 'mlw stats agreement' reads it as it is.
        """)
    static let effect = Effect.reads

    enum Kind: String, ExpressibleByArgument, CaseIterable { case consensus, raw }
    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, jsonl }

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
    @Option(help: "consensus or raw.") var kind: Kind = .consensus
    @Option(help: "csv or jsonl.") var format: Format = .csv
    @Option(help: "How a tie between top labels is settled: unresolved (no label, source 'tie') or schema-order.") var ties: TieRule = .unresolved
    @Option(help: "Write to this file (atomically) instead of standard output.") var output: OutputFile?
    @Flag(help: "Replace the --output file if it exists.") var force = false
    @Flag(help: "Add each item's payload and uri (consensus export): JSON Lines fields, or CSV columns with the payload as JSON.")
    var withPayload = false

    func validate() throws {
      if withPayload, kind == .raw {
        throw ValidationError("--with-payload is for the consensus export; the raw export keeps the shape 'mlw stats agreement' reads")
      }
    }

    /// One exported row: its fields in column order.
    struct Row: Encodable, Sendable {
      var fields: [(String, JSONValue)]

      func encode(to encoder: any Encoder) throws {
        try JSONValue.object(Dictionary(uniqueKeysWithValues: fields)).encode(to: encoder)
      }

      func csv(_ bytes: inout [UInt8]) {
        for (k, (_, value)) in fields.enumerated() {
          if k > 0 { bytes.append(UInt8(ascii: ",")) }
          switch value {
          case .string(let s) where fields[k].0 == "uri" && (s.contains(",") || s.contains("\"") || s.contains("\n")):
            bytes += ("\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"").utf8
          case .string(let s): bytes += s.utf8
          case .int(let n): bytes += String(n).utf8
          case .double(let d): bytes += String(format: "%.6g", d).utf8
          case .object(let votes) where fields[k].0 == "votes":
            bytes += votes.keys.sorted().map { "\($0):\(votes[$0]!.intValue ?? 0)" }.joined(separator: ";").utf8
          case .null: break
          case let other:
            // A payload: its JSON as one quoted CSV field.
            bytes.append(UInt8(ascii: "\""))
            for byte in other.canonicalBytes(pretty: false) {
              if byte == UInt8(ascii: "\"") { bytes.append(byte) }
              bytes.append(byte)
            }
            bytes.append(UInt8(ascii: "\""))
          }
        }
        bytes.append(0x0A)
      }
    }

    struct Output: CommandOutput {
      var dataset: String
      var kind: String
      var tieRule: String?
      var rows: [Row]
      var file: String?
      var text: [UInt8]

      enum CodingKeys: String, CodingKey { case dataset, kind, tieRule, rows, file }

      func render() -> String {
        guard let file else { return String(decoding: text, as: UTF8.self) }
        return "wrote \(rows.count) \(kind) row(s) of \(dataset) to \(file)\(tieRule.map { " (ties: \($0))" } ?? "")\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      let columns: [String]
      var rows: [Row] = []
      switch kind {
      case .consensus:
        columns = ["item", "label", "source", "labels", "agreement", "votes"] + (withPayload ? ["payload", "uri"] : [])
        let consensus = try workspace.consensus(dataset, ties: ties)
        let contents = withPayload ? try workspace.payloads(dataset, of: consensus.map(\.item)) : [:]
        for row in consensus {
          var fields: [(String, JSONValue)] = [
            ("item", .string(row.item)), ("label", row.label.map(JSONValue.string) ?? .null), ("source", .string(row.source)),
            ("labels", .int(row.labels)), ("agreement", .double(row.agreement)), ("votes", .object(row.votes.mapValues { .int($0) })),
          ]
          if withPayload {
            fields.append(("payload", contents[row.item]?["payload"] ?? .null))
            fields.append(("uri", contents[row.item]?["uri"] ?? .null))
          }
          rows.append(Row(fields: fields))
        }
      case .raw:
        columns = ["item", "annotator", "label", "guidelines", "time"]
        let labels = try workspace.labels(dataset)
        let entries = labels.exportOrder(labels.entries.filter { $0.value >= 0 }).entries
        rows.reserveCapacity(entries.count)
        for e in entries {
          rows.append(
            Row(fields: [
              ("item", .string(labels.items[Int(e.item)])), ("annotator", .string(labels.annotators[Int(e.annotator)])),
              ("label", .string(labels.values[Int(e.value)])), ("guidelines", .int(Int(e.guidelines))),
              ("time", .string(Timestamp.format(Date(timeIntervalSince1970: TimeInterval(e.time))))),
            ]))
        }
      }
      guard !rows.isEmpty else { throw AnnotationError.noLabels(dataset: dataset) }
      var bytes: [UInt8] = []
      if format == .csv {
        bytes += (columns.joined(separator: ",") + "\n").utf8
        for row in rows { row.csv(&bytes) }
      } else {
        for row in rows {
          bytes += JSONValue.object(Dictionary(uniqueKeysWithValues: row.fields)).canonicalBytes(pretty: false)
          bytes.append(0x0A)
        }
      }
      if let output {
        let path = try context.path(writing: output, force: force)
        if force {
          try FileIO.replace(bytes, at: path)
        } else if try !FileIO.publishExclusive(bytes, at: path) {
          throw StoreError.alreadyExists(path: "\(output.given) (pass --force to replace it, or name another file)")
        }
      }
      return Output(
        dataset: dataset, kind: kind.rawValue, tieRule: kind == .consensus ? ties.rawValue : nil, rows: rows, file: output?.given,
        text: output == nil ? bytes : [])
    }
  }
}
