import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

// What the commands of the guidelines share (`manager|annotator guidelines …`).

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
