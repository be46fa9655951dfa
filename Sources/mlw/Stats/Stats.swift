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
  case .value(let v) where !v.isFinite: return "undefined"
  case .value(let v): return String(format: "%.4f", v)
  case .undefined: return "undefined"
  }
}

/// A p-value for people: four decimals down to 0.0001, then scientific notation, and below
/// 1e-16 (where double precision ends) "< 1e-16"; never "0.0000".
func showP(_ estimate: Estimate?) -> String {
  guard let estimate, case .value(let p) = estimate, p.isFinite else { return show(estimate) }
  if p >= 0.0001 { return String(format: "%.4f", p) }
  if p < 1e-16 { return "< 1e-16" }
  return String(format: "%.1e", p)
}

/// A score for a table: four decimals, or four significant digits when it is large.
func scoreText(_ value: Double) -> String {
  value.magnitude < 1e6 ? String(format: "%.4f", value) : String(format: "%.4g", value)
}
