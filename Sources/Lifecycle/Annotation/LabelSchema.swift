import Foundation
import Statistics
import VersionedStore

/// What annotators label and how agreement on it is measured. Stored at `label-schema/`.
/// Schema: `schemas/kinds/label-schema.schema.json`.
///
/// Label names follow the name rule (`[a-z0-9][a-z0-9._-]{0,63}`), so that a label is safe in
/// a file name, a CSV field and a shell word, and needs no escaping in a label log line.
public struct LabelSchema: DocumentBody, Equatable {
  public static let kind = "label-schema"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["label-schema"])

  public enum Task: String, Codable, Sendable, CaseIterable {
    /// One label per item.
    case singleLabel = "single-label"
    /// A set of one or more labels per item. Agreement is measured on the exact set (the value
    /// `a+b`), and per label on its presence.
    case multiLabel = "multi-label"
    /// One of an ordered scale; the labels are given lowest first.
    case ordinal
  }

  public struct Label: Codable, Sendable, Equatable {
    public var name: String
    public var definition: String

    public init(name: String, definition: String) {
      self.name = name
      self.definition = definition
    }
  }

  public var task: Task
  /// In order: for an ordinal task, lowest first.
  public var labels: [Label]
  /// The measurement level used for agreement.
  public var level: MeasurementLevel

  public init(task: Task, labels: [Label], level: MeasurementLevel) {
    self.task = task
    self.labels = labels
    self.level = level
  }

  public var labelNames: [String] { labels.map(\.name) }

  /// Checks names, duplicates and that the level fits the task.
  public func validate() throws(LifecycleError) {
    guard labels.count >= 2 else {
      throw .invalidValue(what: "--label", reason: "a label schema needs at least two labels (give --label NAME=DEFINITION for each)")
    }
    var seen = Set<String>()
    for label in labels {
      if let problem = Name.problem(with: label.name) {
        throw .invalidValue(what: "label name '\(label.name)'", reason: problem)
      }
      guard seen.insert(label.name).inserted else { throw .invalidValue(what: "--label", reason: "'\(label.name)' is given twice") }
      guard !label.definition.trimmingCharacters(in: .whitespaces).isEmpty else {
        throw .invalidValue(what: "--label", reason: "'\(label.name)' has no definition; write it as \(label.name)=DEFINITION")
      }
    }
    switch (task, level) {
    case (.singleLabel, .nominal), (.multiLabel, .nominal), (.ordinal, .ordinal): break
    case (.ordinal, .interval), (.ordinal, .ratio):
      guard labels.allSatisfy({ Double($0.name) != nil }) else {
        throw .invalidValue(what: "--level", reason: "\(level.rawValue) needs numeric labels (e.g. 1 … 5); use ordinal for named grades")
      }
    default:
      throw .invalidValue(
        what: "--level",
        reason:
          "\(task == .ordinal ? "an" : "a") \(task.rawValue) task is measured at the \(task == .ordinal ? "ordinal, interval or ratio" : "nominal") level"
      )
    }
  }

  /// The value a label (or set of labels) has in the agreement table: the label itself, or the
  /// set's labels in schema order joined by `+`.
  public func value(of labels: [String]) -> String {
    guard labels.count > 1 else { return labels.first ?? "" }
    let order = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
    return labels.sorted { order[$0, default: .max] < order[$1, default: .max] }.joined(separator: "+")
  }

  /// Parses what an annotator submits (`a`, or `a,b` for a multi-label task) into labels, checked
  /// against the label set.
  public func parse(_ text: String) throws(LifecycleError) -> [String] {
    let parts = text.split(separator: ",", omittingEmptySubsequences: false).map {
      String($0).trimmingCharacters(in: .whitespaces)
    }
    if task != .multiLabel, parts.count > 1 {
      throw .invalidValue(
        what: "label", reason: "'\(text)' is several labels; this \(task.rawValue) task takes one of \(labelNames.joined(separator: ", "))")
    }
    var chosen: [String] = []
    for part in parts {
      guard labelNames.contains(part) else {
        throw .invalidValue(what: "label", reason: "'\(part)' is not in the label set; the labels are \(labelNames.joined(separator: ", "))")
      }
      guard !chosen.contains(part) else { throw .invalidValue(what: "label", reason: "'\(part)' is given twice") }
      chosen.append(part)
    }
    let order = Dictionary(uniqueKeysWithValues: labelNames.enumerated().map { ($1, $0) })
    return chosen.sorted { order[$0]! < order[$1]! }
  }

  /// The order of the categories in the agreement table, when the schema fixes one (ordinal
  /// labels that are not numbers); nil leaves the table's own order (numeric, else by text).
  public var categoryOrder: [String]? {
    task == .ordinal && !labels.allSatisfy({ Double($0.name) != nil }) ? labelNames : nil
  }
}

/// The written labeling convention, versioned: per label a definition, examples and edge-case
/// rules. Every version has a change message; annotators acknowledge versions; every label
/// records the version it was made under. Stored at `guidelines/`. Schema:
/// `schemas/kinds/guidelines.schema.json`.
public struct Guidelines: DocumentBody, Equatable {
  public static let kind = "guidelines"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["guidelines"])

  public struct Section: Codable, Sendable, Equatable {
    public var definition: String
    public var positive: [String]
    public var negative: [String]
    public var rules: [String]

    public init(definition: String, positive: [String] = [], negative: [String] = [], rules: [String] = []) {
      self.definition = definition
      self.positive = positive
      self.negative = negative
      self.rules = rules
    }
  }

  /// What the task is about, for every annotator; optional.
  public var summary: String?
  /// Label name → its section.
  public var labels: [String: Section]

  public init(summary: String? = nil, labels: [String: Section] = [:]) {
    self.summary = summary
    self.labels = labels
  }
}

/// One acknowledgement: an annotator read guideline version `version`. Events of the log
/// `guidelines/acks.jsonl`.
public struct GuidelineAck: Codable, Sendable, Equatable {
  public static let kind = "guideline-ack"
  public static let schemaVersion = 1
  public var version: Int

  public init(version: Int) {
    self.version = version
  }
}

extension Workspace {
  /// The label schema and its version; nil when none is defined yet.
  public func labelSchema() throws -> (LabelSchema, Int)? {
    let latest = try documents.latestVersion(of: LabelSchema.path)
    guard latest > 0 else { return nil }
    return (try documents.read(LabelSchema.path, version: latest).body(as: LabelSchema.self), latest)
  }

  /// The label schema, or an error saying who defines it.
  public func requireLabelSchema() throws -> LabelSchema {
    guard let (schema, _) = try labelSchema() else { throw AnnotationError.noLabelSchema }
    return schema
  }

  /// Publishes a label schema. Labels already in use cannot be dropped or renamed silently: the
  /// change is refused when a label log of this workspace uses a label the new schema lacks.
  @discardableResult
  public func setLabelSchema(_ schema: LabelSchema, actor: Actor, message: String?, ifVersion: Int?, now: Date) throws -> Int {
    try schema.validate()
    let current = try labelSchema()
    if let (old, _) = current {
      let dropped = Set(old.labelNames).subtracting(schema.labelNames)
      if !dropped.isEmpty, try !documents.children(of: RecordPath(trusted: ["labels"])).isEmpty {
        throw LifecycleError.invalidValue(
          what: "label schema",
          reason:
            "labels are recorded already and \(dropped.sorted().joined(separator: ", ")) would be dropped; keep them, or start a new workspace for a new task"
        )
      }
      if old.task != schema.task, try !documents.children(of: RecordPath(trusted: ["labels"])).isEmpty {
        throw LifecycleError.invalidValue(what: "--task", reason: "labels are recorded already under the \(old.task.rawValue) task")
      }
    }
    let stored = try publish(
      LabelSchema.path, schema, actor: actor,
      message: message ?? "label schema: \(schema.task.rawValue), \(schema.labelNames.joined(separator: ", "))",
      expecting: ifVersion ?? current?.1 ?? 0, now: now)
    return stored.envelope.version
  }

  /// Guidelines at `version` (the newest when nil) with their version and change message; nil
  /// when none are written yet.
  public func guidelines(version: Int? = nil) throws -> (Guidelines, StoredDocument)? {
    let latest = try documents.latestVersion(of: Guidelines.path)
    guard latest > 0 else { return nil }
    let stored = try documents.read(Guidelines.path, version: version ?? latest)
    return (try stored.body(as: Guidelines.self), stored)
  }

  /// Publishes a new guideline version after `change`; the message is required, as the change
  /// log of the convention is what annotators read.
  @discardableResult
  public func updateGuidelines(actor: Actor, message: String, ifVersion: Int?, now: Date, _ change: (inout Guidelines) throws -> Void)
    throws -> (Guidelines, Int)
  {
    guard !message.trimmingCharacters(in: .whitespaces).isEmpty else {
      throw LifecycleError.invalidValue(what: "--message", reason: "say what changed in this version of the guidelines")
    }
    let schema = try requireLabelSchema()
    let current = try guidelines()
    var body = current?.0 ?? Guidelines()
    try change(&body)
    for name in body.labels.keys where !schema.labelNames.contains(name) {
      throw LifecycleError.invalidValue(
        what: "--label", reason: "'\(name)' is not in the label schema (\(schema.labelNames.joined(separator: ", ")))")
    }
    if let problem = body.problem() { throw LifecycleError.invalidValue(what: "guidelines", reason: problem) }
    if let current, current.0 == body {
      throw LifecycleError.invalidValue(
        what: "guidelines",
        reason: "nothing changed: v\(current.1.envelope.version) says this already (annotators would re-acknowledge it for nothing)")
    }
    let stored = try publish(
      Guidelines.path, body, actor: actor, message: message, expecting: ifVersion ?? current?.1.envelope.version ?? 0, now: now)
    return (body, stored.envelope.version)
  }

  /// The log of guideline acknowledgements.
  public var guidelineAcks: EventLog {
    EventLog(path: folder + "/guidelines/acks.jsonl", kind: GuidelineAck.kind, schemaVersion: GuidelineAck.schemaVersion)
  }

  /// Records that `actor` read guideline version `version` (the newest when nil).
  @discardableResult
  public func acknowledgeGuidelines(version: Int?, actor: Actor, now: Date) throws -> Int {
    let latest = try documents.latestVersion(of: Guidelines.path)
    guard latest > 0 else { throw AnnotationError.noGuidelines }
    let wanted = version ?? latest
    guard (1...latest).contains(wanted) else {
      throw LifecycleError.invalidValue(what: "--version", reason: "the guidelines have versions 1 to \(latest)")
    }
    try guidelineAcks.append(
      EventDraft(author: actor.name, role: actor.role.rawValue, time: now, body: try JSONValue(encoding: GuidelineAck(version: wanted))))
    return wanted
  }

  /// The newest guideline version each person acknowledged.
  public func acknowledgedGuidelines() throws -> [String: Int] {
    var result: [String: Int] = [:]
    for event in try guidelineAcks.read().events {
      if let v = event.body["version"]?.intValue { result[event.author] = max(result[event.author] ?? 0, v) }
    }
    return result
  }
}
