import Foundation
import VersionedStore

/// Labels made in another tool, read for import.
public struct ImportedLabel: Sendable, Equatable {
  public var item: String
  public var annotator: String
  public var labels: [String]
  /// Where in the file it came from, for errors.
  public var location: String
  /// When the label was made, when the file says (Label Studio's `created_at`); nil: the import's time.
  public var time: Date?

  public init(item: String, annotator: String, labels: [String], location: String, time: Date? = nil) {
    self.item = item
    self.annotator = annotator
    self.labels = labels
    self.location = location
    self.time = time
  }
}

public enum LabelImportFormat: String, Sendable, CaseIterable {
  /// `item,annotator,label` rows (CSV or JSON Lines); a multi-label set as `a,b` in a quoted field.
  case csv
  /// A Label Studio JSON export: an array of tasks, each with `annotations` whose `result` holds
  /// `choices` (or a `rating`), and `completed_by` naming the annotator.
  case labelStudio = "label-studio"
}

/// How the tasks and users of a Label Studio export become items and members.
public struct LabelStudioMapping: Sendable {
  /// The field of a task's `data` that holds the item id the dataset was imported with; a task
  /// without it is keyed by its Label Studio id.
  public var itemField: String
  /// Whether `itemField` was named: then every task must have it (a misspelt field must not
  /// key the labels by task id instead).
  public var itemFieldRequired: Bool
  /// Annotation times after this are refused (a clock or an export gone wrong).
  public var latestTime: Date?
  /// Label Studio user (its numeric id, or its e-mail lower-cased) → member, from `--annotators`.
  public var users: [String: String]
  /// The members of the workspace: every label goes to one of them.
  public var members: Set<String>

  public init(itemField: String? = nil, users: [String: String] = [:], members: Set<String>, latestTime: Date? = nil) {
    self.itemField = itemField ?? "id"
    self.itemFieldRequired = itemField != nil
    self.users = users
    self.members = members
    self.latestTime = latestTime
  }

  /// The `--annotators` file: columns `labelstudio,member`, where `labelstudio` is a Label Studio
  /// user id or e-mail address.
  public static func users(file: String, members: Set<String>) throws -> [String: String] {
    let input = try TabularInput(file: file)
    var users: [String: String] = [:]
    var lines: [String: Int] = [:]
    try input.forEachRow(columns: ["labelstudio", "member"]) { line, fields in
      let key = (fields[0] ?? "").trimmingSpaces.lowercased()
      let member = (fields[1] ?? "").trimmingSpaces
      guard !key.isEmpty else { throw InputError(file: file, line: line, "give the Label Studio user id or e-mail") }
      guard members.contains(member) else {
        throw InputError(file: file, line: line, "'\(member)' is not a member of the workspace (mlw lead member list)")
      }
      if let earlier = users[key], earlier != member {
        throw InputError(file: file, line: line, "'\(key)' is mapped to '\(earlier)' already, at line \(lines[key]!)")
      }
      users[key] = member
      lines[key] = line
    }
    return users
  }
}

extension ImportedLabel {
  /// Reads `item,annotator,label` rows from `file`.
  public static func read(file: String) throws -> [ImportedLabel] {
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

  /// The Label Studio user behind a `completed_by` value: its id and e-mail, as far as the value
  /// tells them.
  struct LabelStudioUser: Hashable {
    var id: Int?
    var email: String?

    init?(_ value: JSONValue?) {
      switch value {
      case .int(let n)?: id = n
      case .string(let text)?: if let n = Int(text) { id = n } else { email = text.lowercased() }
      case .object(let fields)?:
        id = fields["id"]?.intValue
        email = fields["email"]?.stringValue?.lowercased()
      default: return nil
      }
      if id == nil, email == nil || email == "" { return nil }
    }

    var description: String {
      switch (id, email) {
      case (let id?, let email?): "\(email) (user \(id))"
      case (nil, let email?): email
      case (let id?, nil): "user \(id) (no e-mail in the export)"
      default: "?"
      }
    }
  }

  /// Reads a Label Studio JSON export. Tasks become items by `data.<itemField>` (else their id);
  /// users become members through `mapping.users`, else the local part of their e-mail when it
  /// names a member (an id alone is resolved through the e-mail the same export gives for it);
  /// a user that matches no member is listed in the error, with every other one, and nothing is
  /// read. Each label keeps the annotation's `created_at`.
  public static func readLabelStudio(file: String, mapping: LabelStudioMapping) throws -> [ImportedLabel] {
    guard FileIO.exists(file), !FileIO.isDirectory(file) else { throw InputError(file: file, "no such file") }
    let json: JSONValue
    do { json = try JSONValue.parse(TextBytes.withoutBOM(try FileIO.read(file))) } catch let error as JSONSyntaxError {
      throw InputError(file: file, "not JSON (\(error.reason)); export the project as JSON from Label Studio")
    }
    guard let tasks = json.arrayValue else { throw InputError(file: file, "not a Label Studio export: expected an array of tasks") }
    // The e-mails the export gives for user ids, wherever a user object appears.
    var emails: [Int: String] = [:]
    for (t, task) in tasks.enumerated() {
      for annotation in task["annotations"]?.arrayValue ?? [] {
        guard let user = LabelStudioUser(annotation["completed_by"]), let id = user.id, let email = user.email else { continue }
        if let other = emails[id], other != email {
          throw InputError(file: file, "task \(t + 1): Label Studio user \(id) is \(email) here and \(other) elsewhere; fix the export")
        }
        emails[id] = email
      }
    }
    func member(of given: LabelStudioUser) -> (String?, LabelStudioUser) {
      var user = given
      if user.email == nil, let id = user.id { user.email = emails[id] }
      guard let found = lookUp(user) else { return (nil, user) }
      return (found, user)
    }
    func lookUp(_ user: LabelStudioUser) -> String? {
      let email = user.email
      if let id = user.id, let mapped = mapping.users[String(id)] { return mapped }
      if let email, let mapped = mapping.users[email] { return mapped }
      if let email, let local = email.split(separator: "@").first.map(String.init), mapping.members.contains(local) { return local }
      return nil
    }
    var result: [ImportedLabel] = []
    var unknown: [LabelStudioUser] = []
    for (t, task) in tasks.enumerated() {
      let item: String
      let field = task["data"]?[mapping.itemField]
      if mapping.itemFieldRequired, field == nil || field == .null {
        throw InputError(file: file, "task \(t + 1) has no data.\(mapping.itemField) (--item-field); name the field that holds the item ids")
      }
      switch field ?? task["id"] {
      case .int(let n)?: item = String(n)
      case .string(let s)?: item = s
      default: throw InputError(file: file, "task \(t + 1) has neither data.\(mapping.itemField) nor an id")
      }
      let taskName = "task \(t + 1) (item \(item))"
      for (a, annotation) in (task["annotations"]?.arrayValue ?? []).enumerated() {
        if annotation["was_cancelled"] == .bool(true) { continue }
        let location = "\(taskName), annotation \(a + 1)"
        guard let user = LabelStudioUser(annotation["completed_by"]) else {
          throw InputError(file: file, "\(location): completed_by does not name a Label Studio user")
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
        var time: Date?
        switch annotation["created_at"] {
        case nil, .null?: break
        case .string(let text)?:
          guard let parsed = Self.labelStudioTime(text) else {
            throw InputError(file: file, "\(location): created_at '\(text)' is not a time (YYYY-MM-DDTHH:MM:SS[.fff]Z or +HH:MM)")
          }
          if let latest = mapping.latestTime, parsed > latest {
            throw InputError(file: file, "\(location): created_at '\(text)' is in the future; check the export")
          }
          time = parsed
        default:
          throw InputError(file: file, "\(location): created_at is not a time text (YYYY-MM-DDTHH:MM:SS[.fff]Z)")
        }
        let (found, resolved) = member(of: user)
        guard let who = found else {
          if !unknown.contains(resolved) { unknown.append(resolved) }
          continue
        }
        result.append(ImportedLabel(item: item, annotator: who, labels: labels, location: location, time: time))
      }
    }
    if !unknown.isEmpty {
      let names = unknown.prefix(10).map(\.description).joined(separator: ", ") + (unknown.count > 10 ? " and \(unknown.count - 10) more" : "")
      throw InputError(
        file: file,
        "\(unknown.count) Label Studio user(s) match no member: \(names); map them with --annotators FILE (CSV labelstudio,member: a user id or e-mail, and the member)"
      )
    }
    guard !result.isEmpty else { throw InputError(file: file, "no annotations in the export") }
    return result
  }

  /// Label Studio's times: `2024-05-20T10:11:12.345678Z`, or with an offset (`+00:00`).
  static func labelStudioTime(_ text: String) -> Date? {
    if let date = Timestamp.parse(text) { return date }
    for options: ISO8601DateFormatter.Options in [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]] {
      let formatter = ISO8601DateFormatter()
      formatter.formatOptions = options
      if let date = formatter.date(from: text) { return date }
    }
    return nil
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
    /// Labels per guideline version in force when they were made (by the file's times), keyed
    /// by the version number.
    public var underGuidelines: [String: Int]
    /// Labels made before any guideline version, or with no time in the file: external.
    public var external: Int
    /// Labels that replaced a label the same member had already given the item.
    public var replaced: Int
  }

  /// The guideline version in force at `time`: the newest published at or before it; nil
  /// before the first.
  func guidelineVersion(at time: Date, published: [Date]) -> Int? {
    let index = published.lastIndex { $0 <= time }
    return index.map { $0 + 1 }
  }

  /// Imports labels made elsewhere into the label logs of `dataset`, one log per annotator, after
  /// checking every label against the schema and every item against the dataset (which must
  /// exist): a bad row is an error naming it, and then nothing is written.
  public func importLabels(
    _ dataset: String, _ labels: [ImportedLabel], file: String, format: LabelImportFormat, replacing: Bool = false, actor: Actor, now: Date
  ) throws -> LabelImportResult {
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
    // When each guideline version was published, to know which one a dated label was made under.
    let latestGuidelines = try documents.latestVersion(of: Guidelines.path)
    let published = try (0..<latestGuidelines).map { try documents.read(Guidelines.path, version: $0 + 1).envelope.time }
    var perAnnotator: [String: [(item: String, value: String, time: Date?, guidelines: Int?)]] = [:]
    var underGuidelines: [String: Int] = [:]
    var external = 0
    for (label, parsed) in zip(labels, parsedLabels) {
      let version = label.time.flatMap { guidelineVersion(at: $0, published: published) }
      if let version { underGuidelines[String(version), default: 0] += 1 } else { external += 1 }
      perAnnotator[parsed.annotator, default: []].append((parsed.item, parsed.value, label.time, version))
    }
    var result = LabelImportResult(
      dataset: dataset, labels: labels.count, annotators: perAnnotator.mapValues(\.count), items: Set(labels.map(\.item)).count,
      id: id, added: 0, alreadyImported: false, underGuidelines: underGuidelines, external: external, replaced: 0)
    let recordPath = LabelImportRecord.path(dataset, id)
    if try documents.latestVersion(of: recordPath) > 0 {
      result.alreadyImported = true
      return result
    }
    // A label the member already gave (in mlw, or by an earlier import) is replaced only when asked.
    let existing = try self.labels(dataset)
    var given = Set<String>()
    for e in existing.entries where e.value >= 0 {
      given.insert(existing.annotators[Int(e.annotator)] + "\u{0}" + existing.items[Int(e.item)])
    }
    let replaced = parsedLabels.filter { given.contains($0.annotator + "\u{0}" + $0.item) }
    if !replaced.isEmpty, !replacing {
      let first = replaced[0]
      throw InputError(
        file: file,
        "\(replaced.count) of these labels would replace labels their members gave already (\(first.annotator) on '\(first.item)', …); pass --replace to import them anyway"
      )
    }
    result.replaced = replaced.count
    let working = try WorkInProgress(in: folder + "/labels/" + dataset, "import-" + id)
    defer { working.end() }
    // Each annotator's labels in one append; a log that already holds some of this import's
    // labels (an earlier run cut short) gets only the rest. Nothing counts until the record.
    for (annotator, wanted) in perAnnotator.sorted(by: { $0.key < $1.key }) {
      let log = labelLog(dataset, annotator: annotator)
      let appended = try log.append(afterLast: { _ in
        let present = try Self.itemsOfImport(id, in: log.path)
        return try wanted.filter { !present.contains($0.item) }.map { label in
          let body = LabelBody(item: label.item, label: label.value, guidelines: label.guidelines, source: format.rawValue, importID: id)
          return EventDraft(author: actor.name, role: actor.role.rawValue, time: label.time ?? now, body: try JSONValue(encoding: body))
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
