import Foundation

/// One workspace's place in the portfolio: impact × feasibility (DOMAIN.md, "Prioritise by
/// impact × feasibility: high impact and high feasibility first").
public struct PortfolioEntry: Sendable, Encodable, Equatable {
  public var workspace: String
  public var title: String
  public var impact: Double?
  public var feasibility: Double?
  /// impact × feasibility, 1 to 25.
  public var priority: Double?
  /// do-first, hard-but-valuable, easy-low-impact, avoid, or unscored.
  public var quadrant: String
  public var rank: Int?
}

extension Root {
  /// Every workspace `identity` belongs to (all of them for a local reader who named nobody),
  /// ranked: scored projects by quadrant (high impact and high feasibility first) then priority;
  /// unscored ones last. "High" is a score of 3 or more on the 1–5 scale.
  public func portfolio(identity: String?) throws -> [PortfolioEntry] {
    var entries: [PortfolioEntry] = []
    for name in try workspaceNames() {
      let workspace = try self.workspace(name)
      let record = try workspace.record().0
      // A lead's portfolio: the workspaces they lead (every one for a local reader naming nobody).
      if let identity, !record.roles(of: identity).contains(.lead) { continue }
      let summary = FeasibilitySummary(try workspace.feasibility().0)
      var entry = PortfolioEntry(
        workspace: name, title: record.title, impact: summary.impact, feasibility: summary.feasibility, priority: nil,
        quadrant: "unscored", rank: nil)
      if let i = summary.impact, let f = summary.feasibility {
        entry.priority = (i * f * 1e10).rounded() / 1e10
        entry.quadrant = i >= 3 ? (f >= 3 ? "do-first" : "hard-but-valuable") : (f >= 3 ? "easy-low-impact" : "avoid")
      }
      entries.append(entry)
    }
    let order = ["do-first", "hard-but-valuable", "easy-low-impact", "avoid", "unscored"]
    entries.sort { a, b in
      let qa = order.firstIndex(of: a.quadrant)!
      let qb = order.firstIndex(of: b.quadrant)!
      if qa != qb { return qa < qb }
      if a.priority != b.priority { return (a.priority ?? 0) > (b.priority ?? 0) }
      return a.workspace < b.workspace
    }
    var rank = 0
    for i in entries.indices where entries[i].priority != nil {
      rank += 1
      entries[i].rank = rank
    }
    return entries
  }
}
