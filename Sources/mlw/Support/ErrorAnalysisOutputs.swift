import Foundation
import Lifecycle

struct ErrorTagsOutput: CommandOutput {
  var run: String
  var split: String
  var version: Int
  var tags: ErrorTags

  func render() -> String {
    var count: [String: Int] = [:]
    for list in tags.items.values { for tag in list { count[tag, default: 0] += 1 } }
    let summary = count.keys.sorted().map { "\($0) \(count[$0]!)" }.joined(separator: ", ")
    return "error tags of run \(run) on \(split), v\(version): \(tags.items.count) items reviewed\(summary.isEmpty ? "" : "; " + summary)\n"
  }
}

struct ErrorSampleOutput: CommandOutput {
  var sample: ErrorSample

  func encode(to encoder: any Encoder) throws { try sample.encode(to: encoder) }

  func render() -> String {
    func table(_ rows: [ErrorSampleItem]) -> String {
      var t = TextTable(["ITEM", "PREDICTION", "LABEL", "TAGS", "PAYLOAD"])
      for r in rows {
        let payload = r.uri ?? r.payload.map { String(decoding: $0.canonicalBytes(pretty: false), as: UTF8.self) } ?? "-"
        t.add([r.item, r.prediction, r.truth, r.tags.joined(separator: ","), payload.count > 60 ? String(payload.prefix(57)) + "..." : payload])
      }
      return t.render(indent: "  ")
    }
    let s = sample
    var out = "run \(s.run) on \(s.split), seed \(s.seed): \(s.errors.count) of \(s.totalErrors) errors\n"
    if !s.errors.isEmpty { out += table(s.errors) }
    out += "\n\(s.items.count) of \(s.totalItems) items (for the share of data)\n"
    if !s.items.isEmpty { out += table(s.items) }
    out += "\ntag what you see: mlw engineer errors tag \(s.run) --split \(s.split) ITEM TAG…, or errors import with a CSV of item,tag\n"
    return out
  }
}

struct ErrorReportOutput: CommandOutput {
  var report: ErrorReport

  func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

  func render() -> String {
    let r = report
    func percent(_ value: Double?) -> String { value.map { String(format: "%.1f%%", $0 * 100) } ?? "-" }
    func points(_ value: Double?) -> String { value.map { String(format: "%.2f", $0 * 100) } ?? "-" }
    var out = "error analysis of run \(r.run) on \(r.split) (evaluation v\(r.evaluationVersion)): \(r.errors) errors in \(r.items) items, "
    out += "\(r.reviewedItems) reviewed\n"
    guard !r.tags.isEmpty else { return out + r.notes.map { "note: \($0)\n" }.joined() }
    var table = TextTable(
      ["TAG", "ITEMS", "OF DATA", "ERRORS", "OF ERRORS", "ACCURACY", "HUMAN", "GAP (POINTS)", "GAIN (POINTS)", "HUMAN LEVEL FROM"],
      alignments: [.left, .right, .right, .right, .right, .right, .right, .right, .right, .left])
    for row in r.tags {
      var ofData = percent(row.shareOfData)
      if let i = row.shareOfDataInterval { ofData += " [\(percent(i[0])), \(percent(i[1]))]" }
      var ofErrors = percent(row.shareOfErrors)
      if let i = row.shareOfErrorsInterval { ofErrors += " [\(percent(i[0])), \(percent(i[1]))]" }
      var gain = points(row.potentialGain)
      if let i = row.potentialGainInterval { gain += " [\(points(i[0])), \(points(i[1]))]" }
      table.add([
        row.tag, String(row.items), ofData, String(row.errors), ofErrors, percent(row.accuracy), percent(row.humanLevel), points(row.gap), gain,
        row.humanLevelSource,
      ])
    }
    out += table.render()
    if let m = r.mislabeledShareOfErrors { out += "mislabeled: \(percent(m)) of the reviewed errors\n" }
    if let best = r.tags.first, let gain = best.potentialGain, gain > 0 {
      out += "work on '\(best.tag)' first: fixing it could gain up to \(points(gain)) points of accuracy\n"
    }
    out += r.notes.map { "note: \($0)\n" }.joined()
    return out
  }
}

struct LabelIssuesOutput: CommandOutput {
  var report: LabelIssueReport
  var limit: Int

  func encode(to encoder: any Encoder) throws { try report.encode(to: encoder) }

  func render() -> String {
    let r = report
    var out =
      "run \(r.run) on \(r.split) (evaluation v\(r.evaluationVersion)): \(r.issues.count) likely label issue\(r.issues.count == 1 ? "" : "s") in \(r.items) items, by confident learning\n"
    if !r.issues.isEmpty {
      var table = TextTable(["ITEM", "GIVEN", "SUSPECTED", "SELF-CONFIDENCE"], alignments: [.left, .left, .left, .right])
      for issue in limit == 0 ? r.issues[...] : r.issues.prefix(limit) {
        table.add([issue.item, issue.given, issue.suspected, String(format: "%.4f", issue.selfConfidence)])
      }
      out += table.render(indent: "  ")
      if limit > 0, r.issues.count > limit { out += "  … \(r.issues.count - limit) more (--limit 0 lists all)\n" }
    }
    if !r.confusedPairs.isEmpty {
      out += "labels most often confused (given -> suspected): "
      out += r.confusedPairs.prefix(5).map { "\($0.given) -> \($0.suspected) \($0.count)" }.joined(separator: ", ") + "\n"
    }
    if let sent = r.sentToReview {
      out += "sent \(sent) to the review queue of \(r.dataset ?? "the dataset")"
      out += sent < r.issues.count ? " (\(r.issues.count - sent) flagged already, or adjudicated to another label since the run's snapshot)" : ""
      out += ": mlw manager disagreements \(r.dataset ?? "DATASET") lists them until adjudicated\n"
    } else if !r.issues.isEmpty {
      out += "send them to the annotation manager's queue with --send-to-review\n"
    }
    return out
  }
}
