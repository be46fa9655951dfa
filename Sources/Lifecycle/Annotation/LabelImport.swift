import Foundation
import VersionedStore

/// Labels made in another tool, read for import.
public struct ImportedLabel: Sendable, Equatable {
  public var item: String
  public var annotator: String
  public var labels: [String]
  /// Where in the file it came from, for errors.
  public var location: String
}

public enum LabelImportFormat: String, Sendable, CaseIterable {
  /// `item,annotator,label` rows (CSV or JSON Lines); a multi-label set as `a,b` in a quoted field.
  case csv
  /// A Label Studio JSON export: an array of tasks, each with `annotations` whose `result` holds
  /// `choices` (or a `rating`), and `completed_by` naming the annotator.
  case labelStudio = "label-studio"
}

extension ImportedLabel {
  /// Reads labels in `format` from `file`.
  public static func read(file: String, format: LabelImportFormat) throws -> [ImportedLabel] {
    switch format {
    case .csv: return try readRows(file: file)
    case .labelStudio: return try readLabelStudio(file: file)
    }
  }

  private static func readRows(file: String) throws -> [ImportedLabel] {
    let input = try TabularInput(file: file)
    var result: [ImportedLabel] = []
    try input.forEachRow(columns: ["item", "annotator", "label"]) { line, fields in
      guard let item = fields[0], !item.isEmpty else { throw InputError(file: file, line: line, "the item is empty") }
      guard let who = fields[1], !who.isEmpty else { throw InputError(file: file, line: line, "the annotator is empty") }
      guard let label = fields[2], !label.isEmpty else { throw InputError(file: file, line: line, "the label is empty") }
      result.append(ImportedLabel(item: item, annotator: who, labels: [label], location: "line \(line)"))
    }
    guard !result.isEmpty else { throw InputError(file: file, "no labels") }
    return result
  }

  /// A member-style name for a Label Studio annotator: `ls-<id>` for a numeric id, the part of
  /// an e-mail address before the `@` (lower-cased, other characters as `-`) for a user object.
  static func annotatorName(_ value: JSONValue?) -> String? {
    switch value {
    case .int(let n)?: return "ls-\(n)"
    case .string(let text)?: return sanitize(text)
    case .object(let fields)?:
      if let email = fields["email"]?.stringValue { return sanitize(String(email.split(separator: "@").first ?? "")) }
      if let id = fields["id"]?.intValue { return "ls-\(id)" }
      return nil
    default: return nil
    }
  }

  private static func sanitize(_ text: String) -> String? {
    let mapped = String(
      text.lowercased().map { c -> Character in
        c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "-"
      }
    ).trimmingCharacters(in: CharacterSet(charactersIn: "-._"))
    let name = String(mapped.prefix(64))
    return Name.problem(with: name) == nil ? name : nil
  }

  private static func readLabelStudio(file: String) throws -> [ImportedLabel] {
    guard FileIO.exists(file), !FileIO.isDirectory(file) else { throw InputError(file: file, "no such file") }
    let json: JSONValue
    do { json = try JSONValue.parse(TextBytes.withoutBOM(try FileIO.read(file))) } catch let error as JSONSyntaxError {
      throw InputError(file: file, "not JSON (\(error.reason)); export the project as JSON from Label Studio")
    }
    guard let tasks = json.arrayValue else { throw InputError(file: file, "not a Label Studio export: expected an array of tasks") }
    var result: [ImportedLabel] = []
    for (t, task) in tasks.enumerated() {
      let where0 = "task \(t + 1)"
      let item: String
      switch task["id"] {
      case .int(let n)?: item = String(n)
      case .string(let s)?: item = s
      default: throw InputError(file: file, "\(where0) has no id")
      }
      for (a, annotation) in (task["annotations"]?.arrayValue ?? []).enumerated() {
        if annotation["was_cancelled"] == .bool(true) { continue }
        let location = "\(where0) (id \(item)), annotation \(a + 1)"
        guard let who = annotatorName(annotation["completed_by"]) else {
          throw InputError(file: file, "\(location): completed_by does not name an annotator")
        }
        var labels: [String] = []
        for result in annotation["result"]?.arrayValue ?? [] {
          if let choices = result["value"]?["choices"]?.arrayValue {
            labels += choices.compactMap(\.stringValue)
          } else if let rating = result["value"]?["rating"]?.intValue {
            labels.append(String(rating))
          }
        }
        guard !labels.isEmpty else { throw InputError(file: file, "\(location) has no choices or rating") }
        result.append(ImportedLabel(item: item, annotator: who, labels: labels, location: location))
      }
    }
    guard !result.isEmpty else { throw InputError(file: file, "no annotations in the export") }
    return result
  }
}

/// The record that completes a label import, `label-imports/<dataset>/<id>` (kind
/// `label-import`): the labels an import appended (each carrying `import: <id>`) count only once
/// this record is published, so an import is seen whole or not at all. The id is a hash of what
/// was imported, so re-running the same import after a crash or a failure finds its labels and
/// adds only those still missing. Schema: `schemas/kinds/label-import.schema.json`.
public struct LabelImportRecord: DocumentBody, Equatable {
  public static let kind = "label-import"
  public static let schemaVersion = 1

  public var dataset: String
  /// The file as it was named to the command.
  public var file: String
  public var format: String
  public var labels: Int
  /// Labels per annotator.
  public var annotators: [String: Int]

  public static func collection(_ dataset: String) -> RecordPath { RecordPath(trusted: ["label-imports", dataset]) }
  public static func path(_ dataset: String, _ id: String) -> RecordPath { RecordPath(trusted: ["label-imports", dataset, id]) }

  /// Whether `text` has the shape of an import id: `i` and 20 lowercase hex digits.
  public static func isID<S: Collection>(_ text: S) -> Bool where S.Element == UInt8 {
    text.count == 21 && text.first == 0x69 && text.dropFirst().allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
  }

  /// `i` and the first 20 hex digits of the SHA-256 of the labels (annotator, item, value), sorted.
  static func id(dataset: String, labels: [(annotator: String, item: String, value: String)]) -> String {
    var bytes = Array(dataset.utf8) + [0x0A]
    for label in labels.sorted(by: { ($0.annotator, $0.item) < ($1.annotator, $1.item) }) {
      bytes += Array("\(label.annotator)\u{0}\(label.item)\u{0}\(label.value)\n".utf8)
    }
    return "i" + ContentHash.of(bytes).dropFirst("sha256:".count).prefix(20)
  }
}

extension Workspace {
  /// What an import did.
  public struct LabelImportResult: Sendable, Encodable {
    public var dataset: String
    public var labels: Int
    public var annotators: [String: Int]
    public var items: Int
    /// The import's id (`label-imports/<dataset>/<id>`).
    public var id: String
    /// Labels this run appended: fewer than `labels` when an earlier run of the same import
    /// was cut short, 0 when it had completed.
    public var added: Int
    public var alreadyImported: Bool
  }

  /// Imports labels made elsewhere into the label logs of `dataset`, one log per annotator, after
  /// checking every label against the schema and every item against the dataset (which must
  /// exist): a bad row is an error naming it, and then nothing is written.
  public func importLabels(_ dataset: String, _ labels: [ImportedLabel], file: String, format: LabelImportFormat, actor: Actor, now: Date) throws
    -> LabelImportResult
  {
    _ = try Name(dataset, what: "dataset name")
    let schema = try requireLabelSchema()
    let known = Set(try itemsFile(try self.dataset(dataset)).ids)
    var parsedLabels: [(annotator: String, item: String, value: String)] = []
    var seen: [String: String] = [:]
    for label in labels {
      func fail(_ problem: String) -> InputError { InputError(file: file, "\(label.location): \(problem)") }
      if let problem = Item.problem(with: label.item) { throw fail(problem) }
      if !known.contains(label.item) { throw fail("item '\(label.item)' is not in dataset '\(dataset)'") }
      if let problem = Name.problem(with: label.annotator) { throw fail("annotator '\(label.annotator)': \(problem)") }
      let parsed: [String]
      do { parsed = try schema.parse(label.labels.joined(separator: ",")) } catch { throw fail(error.message) }
      let key = label.annotator + "\u{0}" + label.item
      if let earlier = seen[key] { throw fail("\(label.annotator) labelled item '\(label.item)' already, at \(earlier)") }
      seen[key] = label.location
      parsedLabels.append((label.annotator, label.item, schema.value(of: parsed)))
    }
    let id = LabelImportRecord.id(dataset: dataset, labels: parsedLabels)
    var perAnnotator: [String: [(item: String, value: String)]] = [:]
    for label in parsedLabels { perAnnotator[label.annotator, default: []].append((label.item, label.value)) }
    var result = LabelImportResult(
      dataset: dataset, labels: labels.count, annotators: perAnnotator.mapValues(\.count), items: Set(labels.map(\.item)).count,
      id: id, added: 0, alreadyImported: false)
    let recordPath = LabelImportRecord.path(dataset, id)
    if try documents.latestVersion(of: recordPath) > 0 {
      result.alreadyImported = true
      return result
    }
    let working = try WorkInProgress(in: folder + "/labels/" + dataset, "import-" + id)
    defer { working.end() }
    // Each annotator's labels in one append; a log that already holds some of this import's
    // labels (an earlier run cut short) gets only the rest. Nothing counts until the record.
    for (annotator, wanted) in perAnnotator.sorted(by: { $0.key < $1.key }) {
      let log = labelLog(dataset, annotator: annotator)
      let appended = try log.append(afterLast: { _ in
        let present = try Self.itemsOfImport(id, in: log.path)
        return try wanted.filter { !present.contains($0.item) }.map { label in
          let body = LabelBody(item: label.item, label: label.value, source: format.rawValue, importID: id)
          return EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: body))
        }
      })
      result.added += appended.count
    }
    let record = LabelImportRecord(
      dataset: dataset, file: file, format: format.rawValue, labels: labels.count, annotators: result.annotators)
    let message =
      "import \(labels.count) labels by \(perAnnotator.count) annotator(s) from \(file.split(separator: "/").last.map(String.init) ?? file)"
    do {
      _ = try publish(recordPath, record, actor: actor, message: message, expecting: 0, now: now)
    } catch StoreError.conflict {
      result.alreadyImported = true  // the same import, run at the same moment, completed first
    }
    return result
  }

  /// The items that events carrying import `id` name in the label log at `path`.
  static func itemsOfImport(_ id: String, in path: String) throws -> Set<String> {
    guard FileIO.exists(path) else { return [] }
    let bytes = try FileIO.read(path)
    let marker = Array(#""import":"\#(id)""#.utf8)
    var items = Set<String>()
    var start = 0
    while let newline = bytes[start...].firstIndex(of: 0x0A) {
      defer { start = newline + 1 }
      let line = bytes[start..<newline]
      guard line.count > marker.count, line.firstRange(of: marker) != nil else { continue }
      if let item = (try? JSONValue.parse(line))?["body"]?["item"]?.stringValue { items.insert(item) }
    }
    return items
  }

  /// The ids of the label imports of `dataset` that completed.
  public func completedImports(_ dataset: String) throws -> Set<String> {
    Set(
      try documents.children(of: LabelImportRecord.collection(dataset)).filter {
        try documents.latestVersion(of: LabelImportRecord.path(dataset, $0)) > 0
      })
  }
}
