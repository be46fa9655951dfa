import ArgumentParser
import Foundation
import Lifecycle

extension Mlw.Lead {
  /// `mlw lead portfolio`: every workspace by impact and feasibility, with the 2×2.
  struct Portfolio: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "portfolio",
      abstract: "Rank the workspaces you belong to by impact and feasibility, name each one's quadrant, and draw the 2x2.",
      discussion: "Needs the lead role in at least one workspace; lists the workspaces you are a member of.")
    static let effect = Effect.reads
    /// Spans workspaces: lists those where the caller is a lead.
    static let reach = Reach.roleGroupAcrossWorkspaces

    @OptionGroup var global: GlobalOptions

    struct Output: CommandOutput {
      var projects: [PortfolioEntry]

      func render() -> String {
        guard !projects.isEmpty else { return "no workspaces\n" }
        func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
        var table = TextTable(
          ["RANK", "WORKSPACE", "IMPACT", "FEASIBILITY", "PRIORITY", "QUADRANT"], alignments: [.right, .left, .right, .right, .right, .left])
        for p in projects { table.add([p.rank.map(String.init) ?? "-", p.workspace, f(p.impact), f(p.feasibility), f(p.priority), p.quadrant]) }
        // The 2x2: impact up, feasibility right.
        func cell(_ quadrant: String) -> [String] {
          projects.filter { $0.quadrant == quadrant }.map { "\($0.workspace) (\(f($0.impact))/\(f($0.feasibility)))" }
        }
        let cells = [[cell("hard-but-valuable"), cell("do-first")], [cell("avoid"), cell("easy-low-impact")]]
        let width = max(24, cells.flatMap { $0.flatMap { $0 } }.map(\.count).max() ?? 0) + 2
        let rule = "             +" + String(repeating: "-", count: width) + "+" + String(repeating: "-", count: width) + "+\n"
        func pad(_ s: String) -> String { " " + s + String(repeating: " ", count: max(0, width - s.count - 1)) }
        var chart = "              " + pad("low feasibility") + " " + pad("high feasibility") + "\n" + rule
        for (label, row) in zip(["high impact  ", "low impact   "], cells) {
          let height = max(1, row[0].count, row[1].count)
          for line in 0..<height {
            let left = line < row[0].count ? row[0][line] : ""
            let right = line < row[1].count ? row[1][line] : ""
            chart += (line == 0 ? label : String(repeating: " ", count: label.count)) + "|" + pad(left) + "|" + pad(right) + "|\n"
          }
          chart += rule
        }
        let unscored = projects.filter { $0.quadrant == "unscored" }.map(\.workspace)
        return table.render() + "\n" + chart + "(impact/feasibility, 1 to 5; high is 3 or more; do-first is top right)\n"
          + (unscored.isEmpty ? "" : "not scored yet: \(unscored.joined(separator: ", ")) (mlw lead feasibility score)\n")
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      if let identity = context.identity {
        let leads = try context.root.workspaceNames(visibleTo: identity).filter {
          try context.root.workspace($0, visibleTo: identity).record().0.roles(of: identity).contains(.lead)
        }
        guard !leads.isEmpty else {
          throw LifecycleError.leadOfNone(name: identity)
        }
      }
      return Output(projects: try context.root.portfolio(identity: context.identity))
    }
  }
}
