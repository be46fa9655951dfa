import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

/// What `schema set` and `schema show` print.
struct LabelSchemaOutput: CommandOutput {
  var version: Int
  var schema: LabelSchema

  func render() -> String {
    var table = TextTable(["LABEL", "DEFINITION"])
    for label in schema.labels { table.add([label.name, label.definition]) }
    return "label schema v\(version): \(schema.task.rawValue), agreement at the \(schema.level.rawValue) level\n" + table.render(indent: "  ")
  }
}

/// What `guidelines set` and `guidelines show` print: the convention, label by label.
struct GuidelinesOutput: CommandOutput {
  var version: Int
  var latest: Int
  var message: String
  var author: String
  var time: Date
  var guidelines: Guidelines
  var schema: LabelSchema
  /// Render as the Markdown guideline document (`guidelines show --format md`); not in `--json`.
  var markdown = false

  enum CodingKeys: String, CodingKey {
    case version, latest, message, author, time, guidelines, labels
  }

  func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(version, forKey: .version)
    try container.encode(latest, forKey: .latest)
    try container.encode(message, forKey: .message)
    try container.encode(author, forKey: .author)
    try container.encode(time, forKey: .time)
    try container.encode(guidelines, forKey: .guidelines)
    try container.encode(schema.labels, forKey: .labels)
  }

  func render() -> String {
    if markdown { return guidelines.markdown(schema: schema, title: "Guidelines v\(version): \(message.split(separator: "\n").first ?? "")") }
    let labels = schema.labels
    var text = "guidelines v\(version)\(version == latest ? "" : " (latest is v\(latest))") by \(author) at \(shortTime(time)): \(message)\n"
    if let summary = guidelines.summary { text += "\n\(summary)\n" }
    text += renderSections(guidelines, labels: labels)
    return text
  }
}

/// The guideline text of each label, in schema order.
func renderSections(_ guidelines: Guidelines, labels: [LabelSchema.Label], indent: String = "") -> String {
  var text = ""
  for label in labels {
    let section = guidelines.labels[label.name]
    text += "\n\(indent)\(label.name): \(section?.definition ?? label.definition)\n"
    // Lines after an entry's first line stay under it.
    func entry(_ text: String) -> String { text.replacingOccurrences(of: "\n", with: "\n\(indent)    ") }
    for example in section?.positive ?? [] { text += "\(indent)  + \(entry(example))\n" }
    for example in section?.negative ?? [] { text += "\(indent)  - not: \(entry(example))\n" }
    for rule in section?.rules ?? [] { text += "\(indent)  rule: \(entry(rule))\n" }
  }
  return text
}

func showGuidelines(_ context: CommandContext, version: Int?) throws -> GuidelinesOutput {
  let workspace = try context.requireWorkspace()
  let schema = try workspace.requireLabelSchema()
  guard let (guidelines, stored) = try workspace.guidelines(version: version) else { throw AnnotationError.noGuidelines }
  return GuidelinesOutput(
    version: stored.envelope.version, latest: try workspace.documents.latestVersion(of: Guidelines.path), message: stored.envelope.message,
    author: stored.envelope.author, time: stored.envelope.time, guidelines: guidelines, schema: schema)
}

/// The options of `dataset import`, shared by the manager's and the engineer's commands.
struct DatasetImportOptions: ParsableArguments {
  @Argument(help: "The dataset name ([a-z0-9][a-z0-9._-]{0,63}).", completion: Completions.datasets) var dataset: String
  @Argument(help: "JSON Lines or CSV: an id per item, and a payload or a uri.") var file: InputFile
  @Flag(help: "Publish a new version even though it changes or removes existing items.") var allowChanges = false
  @Option(help: "Why; recorded in the history.") var message: String?
  @Option(help: "Fail unless the dataset is still at this version.") var ifVersion: Int?
}

/// What `dataset import` prints.
struct DatasetImportOutput: CommandOutput {
  var dataset: StoredDataset
  var unchanged: Bool

  func render() -> String {
    let d = dataset.dataset
    if unchanged { return "dataset \(dataset.id) v\(dataset.version) holds these items already (\(d.items)); nothing published\n" }
    return """
      dataset \(dataset.id) v\(dataset.version): \(d.count) items, \(d.items)
        \(d.changes.added) added, \(d.changes.removed) removed, \(d.changes.changed) changed

      """
  }
}

func importDataset(_ options: DatasetImportOptions, _ context: CommandContext) throws -> DatasetImportOutput {
  _ = try Name(options.dataset, what: "dataset name")
  let items = try ItemsInput.read(file: try context.path(reading: options.file))
  let (stored, unchanged) = try context.requireWorkspace().importDataset(
    options.dataset, items: items, source: (options.file.given as NSString).lastPathComponent, allowChanges: options.allowChanges,
    actor: try context.requireActor(), message: options.message, ifVersion: options.ifVersion, now: context.now)
  return DatasetImportOutput(dataset: stored, unchanged: unchanged)
}

/// What `dataset list` prints.
struct DatasetListOutput: CommandOutput {
  var datasets: [StoredDataset]

  func render() -> String {
    guard !datasets.isEmpty else { return "no datasets yet: import one (mlw manager dataset import NAME FILE)\n" }
    var table = TextTable(["DATASET", "VERSION", "ITEMS", "SHA-256", "BY", "WHEN"], alignments: [.left, .right, .right, .left, .left, .left])
    for d in datasets {
      table.add([d.id, "v\(d.version)", String(d.dataset.count), String(d.dataset.items.prefix(19)) + "…", d.author, shortTime(d.time)])
    }
    return table.render()
  }
}

func listDatasets(_ context: CommandContext) throws -> DatasetListOutput {
  let workspace = try context.requireWorkspace()
  return DatasetListOutput(datasets: try workspace.datasetIDs().map { try workspace.dataset($0) })
}

/// What `dataset show` prints: every version with its hash and changes.
struct DatasetVersionsOutput: CommandOutput {
  var dataset: String
  var versions: [StoredDataset]

  func render() -> String {
    var table = TextTable(
      ["VERSION", "ITEMS", "ADDED", "REMOVED", "CHANGED", "SHA-256", "BY", "WHEN", "MESSAGE"],
      alignments: [.right, .right, .right, .right, .right, .left, .left, .left, .left])
    for d in versions {
      let c = d.dataset.changes
      table.add([
        "v\(d.version)", String(d.dataset.count), String(c.added), String(c.removed), String(c.changed), d.dataset.items, d.author, shortTime(d.time),
        d.message,
      ])
    }
    return "dataset \(dataset)\n" + table.render(indent: "  ")
  }
}

func showDataset(_ context: CommandContext, _ dataset: String) throws -> DatasetVersionsOutput {
  DatasetVersionsOutput(dataset: dataset, versions: try context.requireWorkspace().datasetVersions(dataset))
}

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

/// The options every annotator command shares: which dataset, and the check that an annotator
/// acts only as themselves.
struct AnnotatorOptions: ParsableArguments {
  @Option(help: "The dataset (default: the only one assigned to you).") var dataset: String?
  @Option(help: "Whose work this is; must be you (an annotator labels only as themselves).") var annotator: String?

  func check(_ actor: Actor) throws {
    if let annotator, annotator != actor.name { throw AnnotationError.labelerMismatch(name: annotator, actor: actor.name) }
  }
}

/// What `submit` and `skip` print.
struct SubmittedOutput: CommandOutput {
  var submitted: SubmittedLabel

  func encode(to encoder: any Encoder) throws { try submitted.encode(to: encoder) }

  func render() -> String {
    let s = submitted
    let what = s.label.map { "labelled \($0)" } ?? "skipped (\(s.skip ?? ""))"
    let replaced = s.replaced ? ", replacing your earlier answer (kept in history)" : ""
    let next = s.next.map { "; next: \($0)" } ?? "; your queue is done"
    return "\(s.item) \(what) under guidelines v\(s.guidelines)\(replaced)\n\(s.done) of \(s.assigned) done\(next)\n"
  }
}

/// Renders an estimate as a share in percent.
func percent(_ estimate: Estimate) -> String {
  estimate.value.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
}
