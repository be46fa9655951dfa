import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

// What the commands of disagreements and adjudication share (`manager|sme disagreements`, `adjudicate`).

/// What `disagreements` prints.
struct DisagreementsOutput: CommandOutput {
  var dataset: String
  var quorum: Double?
  var total: Int
  var items: [Disagreement]

  func render() -> String {
    let rule = quorum.map { "fewer than ceil(n x \($0)) votes for the top label" } ?? "any disagreement"
    guard total > 0 else { return "no open disagreements in \(dataset) (\(rule))\n" }
    let withContent = items.contains { $0.content != nil }
    let withFlags = items.contains { $0.flag != nil }
    var table = TextTable(
      ["ITEM", "LABELS", "TOP SHARE", "VOTES", "BY ANNOTATOR", "ADJUDICATED"] + (withFlags ? ["SENT FOR REVIEW"] : [])
        + (withContent ? ["CONTENT"] : []),
      alignments: [.left, .right, .right, .left, .left, .left, .left, .left])
    for d in items {
      let flag = d.flag.map { f in "\(f.given) -> \(f.suspected ?? "?"): \(f.reason)" } ?? ""
      table.add(
        [
          d.item, String(d.labels), String(format: "%.2f", d.topShare), d.votes.map { "\($0.label) \($0.count)" }.joined(separator: ", "),
          d.byAnnotator.keys.sorted().map { "\($0)=\(d.byAnnotator[$0]!)" }.joined(separator: " "), d.adjudicated ?? "",
        ] + (withFlags ? [flag] : []) + (withContent ? [ItemContent.brief(d.content)] : []))
    }
    let more = total > items.count ? "… \(total - items.count) more (--limit)\n" : ""
    return "\(total) item(s) of \(dataset) disagree (\(rule)), most split first:\n" + table.render(indent: "  ") + more
      + "resolve one with: mlw manager adjudicate \(dataset) ITEM LABEL --reason TEXT\n"
  }
}

/// The options of `disagreements`, shared by the manager and the SME.
struct DisagreementsOptions: ParsableArguments {
  @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
  @Option(help: "A quorum share q: an item disagrees when fewer than ceil(n·q) of its n labels agree on the top label (default: any disagreement).")
  var quorum: Double?
  @Flag(help: "Also list items already adjudicated.") var all = false
  @Option(help: "List at most this many (0: all).") var limit: Int = 50
  @Flag(help: "Show each item's content (payload and URI; whole in --json, cut to 60 characters in text).") var withPayload = false

  func validate() throws {
    guard limit >= 0 else { throw ValidationError("--limit must be 0 (all) or more") }
  }
}

func listDisagreements(_ options: DisagreementsOptions, _ context: CommandContext) throws -> DisagreementsOutput {
  let workspace = try context.requireWorkspace()
  let all = try workspace.disagreements(options.dataset, quorum: options.quorum, all: options.all)
  var items = options.limit > 0 ? Array(all.prefix(options.limit)) : all
  if options.withPayload {
    let contents = try workspace.payloads(options.dataset, of: items.map(\.item))
    for i in items.indices { items[i].content = contents[items[i].item] }
  }
  return DisagreementsOutput(dataset: options.dataset, quorum: options.quorum, total: all.count, items: items)
}

/// How an item's content reads in a table cell.
enum ItemContent {
  static func brief(_ content: JSONValue?) -> String {
    guard let content else { return "-" }
    var parts: [String] = []
    if let uri = content["uri"]?.stringValue { parts.append(uri) }
    if let payload = content["payload"] { parts.append(payload.canonicalString(pretty: false)) }
    let text = parts.joined(separator: " ")
    return text.count > 60 ? String(text.prefix(57)) + "..." : text
  }
}

/// The options of `adjudicate`, shared by the manager and the SME.
struct AdjudicateOptions: ParsableArguments {
  @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
  @Argument(help: "The item.") var item: String
  @Argument(help: "The consensus label (a,b for a multi-label task).") var label: String
  @Option(help: "Why this label is the consensus.") var reason: String
}

struct AdjudicationOutput: CommandOutput {
  var dataset: String
  var adjudication: AdjudicationBody
  var by: String

  func render() -> String { "\(dataset) \(adjudication.item): \(adjudication.label), adjudicated by \(by) (\(adjudication.reason))\n" }
}

func adjudicate(_ options: AdjudicateOptions, _ context: CommandContext) throws -> AdjudicationOutput {
  let actor = try context.requireActor()
  let body = try context.requireWorkspace().adjudicate(
    options.dataset, item: options.item, label: options.label, reason: options.reason, actor: actor, now: context.now)
  return AdjudicationOutput(dataset: options.dataset, adjudication: body, by: actor.name)
}
