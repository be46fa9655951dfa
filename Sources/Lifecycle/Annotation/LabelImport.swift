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
    let mapped = String(text.lowercased().map { c -> Character in
      c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "-"
    }).trimmingCharacters(in: CharacterSet(charactersIn: "-._"))
    let name = String(mapped.prefix(64))
    return Name.problem(with: name) == nil ? name : nil
  }

  private static func readLabelStudio(file: String) throws -> [ImportedLabel] {
    guard FileIO.exists(file), !FileIO.isDirectory(file) else { throw InputError(file: file, "no such file") }
    let json: JSONValue
    do { json = try JSONValue.parse(try FileIO.read(file)) } catch let error as JSONSyntaxError {
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

extension Workspace {
  /// What an import did.
  public struct LabelImportResult: Sendable, Encodable {
    public var dataset: String
    public var labels: Int
    public var annotators: [String: Int]
    public var items: Int
  }

  /// Imports labels made elsewhere into the label logs of `dataset`, one log per annotator, after
  /// checking every label against the schema and every item against the dataset (when it
  /// exists): a bad row is an error naming it, and then nothing is written.
  public func importLabels(_ dataset: String, _ labels: [ImportedLabel], file: String, format: LabelImportFormat, actor: Actor, now: Date) throws
    -> LabelImportResult
  {
    _ = try Name(dataset, what: "dataset name")
    let schema = try requireLabelSchema()
    let known: Set<String>? = try datasetIDs().contains(dataset) ? Set(try itemsFile(try self.dataset(dataset)).ids) : nil
    var drafts: [String: [EventDraft]] = [:]
    var seen: [String: String] = [:]
    for label in labels {
      func fail(_ problem: String) -> InputError { InputError(file: file, "\(label.location): \(problem)") }
      if let problem = Item.problem(with: label.item) { throw fail(problem) }
      if let known, !known.contains(label.item) { throw fail("item '\(label.item)' is not in dataset '\(dataset)'") }
      if let problem = Name.problem(with: label.annotator) { throw fail("annotator '\(label.annotator)': \(problem)") }
      let parsed: [String]
      do { parsed = try schema.parse(label.labels.joined(separator: ",")) } catch { throw fail(error.message) }
      let key = label.annotator + "\u{0}" + label.item
      if let earlier = seen[key] { throw fail("\(label.annotator) labelled item '\(label.item)' already, at \(earlier)") }
      seen[key] = label.location
      let body = LabelBody(item: label.item, label: schema.value(of: parsed), source: format.rawValue)
      drafts[label.annotator, default: []].append(
        EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: body)))
    }
    for (annotator, batch) in drafts.sorted(by: { $0.key < $1.key }) {
      try labelLog(dataset, annotator: annotator).append(batch: batch)
    }
    return LabelImportResult(
      dataset: dataset, labels: labels.count, annotators: drafts.mapValues(\.count), items: Set(labels.map(\.item)).count)
  }
}
