import Foundation
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
