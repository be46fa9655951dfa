import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw lineage PATH`: where a deployment, model or run came from, or what used a dataset.
  struct Lineage: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "lineage",
      abstract: "Lineage of a record: a deployment down to its model, run, data, labels, policy and approval; a dataset up to what used it.",
      discussion: """
        PATH is deployments/T, models/NAME[@V|@ALIAS], runs/ID (downward) or datasets/NAME (upward: the runs, models and \
        deployments that used it, so a label fix shows what must be retrained). Everything is read as it was recorded; \
        nothing is recomputed.
        """)
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The record, e.g. deployments/line-3.") var path: String

    struct Output: CommandOutput {
      var direction: String
      var root: LineageNode

      func render() -> String {
        var out = ""
        func walk(_ node: LineageNode, _ prefix: String, _ last: Bool, _ top: Bool) {
          let label = node.path + (node.version.map { " v\($0)" } ?? "")
          out += (top ? "" : prefix + (last ? "└─ " : "├─ ")) + label + ": " + node.summary + "\n"
          let next = top ? "" : prefix + (last ? "   " : "│  ")
          for (i, child) in node.children.enumerated() { walk(child, next, i == node.children.count - 1, false) }
        }
        walk(root, "", true, true)
        return out
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let (direction, root) = try context.requireWorkspace().lineage(path)
      return Output(direction: direction, root: root)
    }
  }
}
