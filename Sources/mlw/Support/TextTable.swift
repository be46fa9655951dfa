import Foundation
import Statistics
import VersionedStore

/// An aligned text table: a header row, then one row per item; numbers right-aligned.
struct TextTable {
  enum Alignment { case left, right }

  var headers: [String]
  var alignments: [Alignment]
  var rows: [[String]] = []

  init(_ headers: [String], alignments: [Alignment]? = nil) {
    self.headers = headers
    self.alignments = alignments ?? headers.map { _ in .left }
  }

  mutating func add(_ row: [String]) { rows.append(row) }

  func render(indent: String = "") -> String {
    let all = [headers] + rows
    let widths = headers.indices.map { column in all.map { $0[column].count }.max() ?? 0 }
    var lines: [String] = []
    for row in all {
      let cells = row.enumerated().map { column, cell -> String in
        let padding = String(repeating: " ", count: widths[column] - cell.count)
        if column == row.count - 1, alignments[column] == .left { return cell }
        return alignments[column] == .right ? padding + cell : cell + padding
      }
      lines.append(indent + cells.joined(separator: "  "))
    }
    return lines.joined(separator: "\n") + "\n"
  }
}

/// How times read in text output: `2026-11-22 10:15Z`.
func shortTime(_ date: Date) -> String {
  let full = Timestamp.format(date)  // 2026-11-22T10:15:00Z
  return full.prefix(10) + " " + full.dropFirst(11).prefix(5) + "Z"
}

extension TextTable {
  /// Formats an estimate for a table: 4 decimals, or "undefined".
  static func cell(_ estimate: Estimate?) -> String {
    guard let estimate else { return "-" }
    switch estimate {
    case .value(let v) where !v.isFinite: return "undefined"
    case .value(let v): return String(format: "%.4f", v)
    case .undefined: return "undefined"
    }
  }

  /// A p-value for people: four decimals down to 0.0001, then scientific notation, and below
  /// 1e-16 (where double precision ends) "< 1e-16"; never "0.0000".
  static func pValue(_ estimate: Estimate?) -> String {
    guard let estimate, case .value(let p) = estimate, p.isFinite else { return TextTable.cell(estimate) }
    if p >= 0.0001 { return String(format: "%.4f", p) }
    if p < 1e-16 { return "< 1e-16" }
    return String(format: "%.1e", p)
  }
}
