import ArgumentParser
import Foundation
import Statistics

extension Mlw {
  /// `mlw stats …`: statistics on plain files, no workspace needed.
  struct Stats: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "stats",
      abstract: "Statistics on plain files (exports from any tool): agreement, classification, drift, ranking, label issues.",
      subcommands: [Agreement.self, Classification.self, Drift.self, Rank.self, LabelIssues.self])
  }
}

/// A score for a table: four decimals, or four significant digits when it is large.
func scoreText(_ value: Double) -> String {
  value.magnitude < 1e6 ? String(format: "%.4f", value) : String(format: "%.4g", value)
}
