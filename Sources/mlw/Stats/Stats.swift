import ArgumentParser
import Foundation
import Statistics

extension Mlw {
  /// `mlw stats …`: statistics on plain files, no workspace needed.
  struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats",
      abstract: "Statistics on plain files (exports from any tool): agreement, classification, drift, ranking.",
      subcommands: [Agreement.self, Classification.self, Drift.self, Rank.self])
  }
}

/// Formats an estimate for a table: 4 decimals, or "undefined".
func show(_ estimate: Estimate?) -> String {
  guard let estimate else { return "-" }
  switch estimate {
  case .value(let v): return String(format: "%.4f", v)
  case .undefined: return "undefined"
  }
}
