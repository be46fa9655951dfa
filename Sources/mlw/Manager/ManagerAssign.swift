import ArgumentParser
import Lifecycle

extension Mlw.Manager {
  struct Assign: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "assign",
      abstract:
        "Assign a dataset to annotators with overlap k, in batches, with gold mixed in; run again to re-assign after someone leaves or joins.",
      discussion: """
        Deterministic for the seed. Settings not given keep their values from the previous assignment. Labels already \
        given count toward the overlap; a re-assignment moves as few items as it can.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
    @Option(help: "Distinct annotators per item (default 1, or the previous value).") var overlap: Int?
    @Option(help: "Comma-separated annotators (default: the previous list, or every member with the annotator role).") var annotators: String?
    @Option(help: "Share of each queue that is gold items (default 0.05).") var goldRate: Double?
    @Option(help: "Items per batch (default 500).") var batchSize: Int?
    @Option(help: "Seed of the shuffle (default 1).") var seed: Int?
    @Option(help: "Why; recorded in the history.") var message: String?
    @Option(help: "Fail unless the assignment is still at this version.") var ifVersion: Int?

    struct Output: CommandOutput {
      var result: Workspace.AssignmentResult

      func encode(to encoder: any Encoder) throws { try result.encode(to: encoder) }

      func render() -> String {
        let a = result.assignment
        var text =
          "assignment of \(result.dataset) v\(result.version): overlap \(a.overlap), \(a.batches) batch(es) of up to \(a.batchSize), gold rate \(a.goldRate), seed \(a.seed)\n"
        if result.version > 1 { text += "  \(result.moved) item(s) changed hands; \(result.complete) already had \(a.overlap) label(s)\n" }
        if !result.kept.isEmpty { text += "  kept from v\(result.version - 1): \(result.kept.joined(separator: ", "))\n" }
        if !result.dropped.isEmpty {
          text += "  left out (no longer annotators): \(result.dropped.joined(separator: ", "))\n"
        }
        if a.underCovered > 0 { text += "  warning: \(a.underCovered) item(s) have fewer than \(a.overlap) annotators left to label them\n" }
        var table = TextTable(["ANNOTATOR", "ITEMS", "GOLD"], alignments: [.left, .right, .right])
        for name in a.annotators.keys.sorted() { table.add([name, String(a.annotators[name]!.items), String(a.annotators[name]!.gold)]) }
        return text + table.render(indent: "  ")
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let names = annotators.map { $0.split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) } }
      return Output(
        result: try context.requireWorkspace().assign(
          dataset, overlap: overlap, annotators: names, goldRate: goldRate, batchSize: batchSize, seed: seed,
          actor: try context.requireActor(), message: message, ifVersion: ifVersion, now: context.now))
    }
  }
}
