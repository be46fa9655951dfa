import Foundation
import VersionedStore

/// The guideline document: the whole convention in one file, the way annotation teams write it,
/// so that one version can hold every label's section. Markdown:
///
///     # Guidelines                     (an optional title, ignored)
///
///     What the task is about.          (the summary: everything before the first "## ")
///
///     ## bridge                        (a label of the schema)
///     Solder joins two pads.           (the definition: the text before the first part)
///
///     Positive:                        (or "### Positive"; also "Examples:", "Is:")
///     - two pads joined by solder
///     Negative:                        (also "Counter-examples:", "Is not:")
///     - a whisker thinner than 0.1 mm
///     Rules:                           (also "Edge cases:")
///     - when unsure between bridge and ok, choose bridge
///
/// A list item may go on over the lines after it: an indented line always continues it, an
/// unindented one unless it starts a new item or part; a blank line ends it. A line of a
/// definition or summary that reads as a heading ("Positive:", "## x") starts one. A
/// section that adds nothing to the schema's definition is not stored (it reads the same).
/// JSON: the record's body (`{"summary", "labels": {name: {definition, positive, negative,
/// rules}}}`, lists optional) or what `guidelines show --json` prints (the body under
/// `guidelines`). `markdown(…)` writes the Markdown form back, so a manager can edit the
/// current version and submit it again.
extension Guidelines {
  /// The parts of a section after its definition.
  enum Part: CaseIterable {
    case positive, negative, rules

    /// The names a part's heading may have, lower-cased.
    var names: [String] {
      switch self {
      case .positive: ["positive", "positives", "positive examples", "examples", "is"]
      case .negative: ["negative", "negatives", "negative examples", "counter-examples", "counterexamples", "is not", "not"]
      case .rules: ["rules", "rule", "edge cases", "edge-case rules", "edge case rules"]
      }
    }

    /// The part a line introduces: `Positive:` or `### Positive` (any case).
    static func introduced(by line: String) -> Part? {
      var text = line.trimmingCharacters(in: .whitespaces)
      let heading = text.hasPrefix("### ")
      if heading { text = String(text.dropFirst(4)).trimmingCharacters(in: .whitespaces) }
      let colon = text.hasSuffix(":")
      if colon { text = String(text.dropLast()).trimmingCharacters(in: .whitespaces) }
      guard heading || colon else { return nil }
      let name = text.lowercased()
      return allCases.first { $0.names.contains(name) }
    }
  }

  /// A guideline document read from `file` (Markdown, or JSON when it ends in `.json` or starts
  /// with `{`), checked against the schema's labels.
  public static func document(file: String, schema: LabelSchema) throws -> Guidelines {
    guard FileIO.exists(file) else { throw InputError(file: file, "no such file") }
    guard !FileIO.isDirectory(file) else { throw InputError(file: file, "is a folder, not a file") }
    if case let size = try FileIO.size(file), size > maximumBytes {
      throw InputError(file: file, "\(size) bytes; a guideline document is at most \(maximumBytes / 1024) KiB")
    }
    let bytes = TextBytes.withoutBOM(try FileIO.read(file))
    if let offset = TextBytes.firstInvalidUTF8(bytes) {
      throw InputError(file: file, line: TextBytes.line(of: offset, in: bytes), "not valid UTF-8 (byte \(offset + 1)); save the file as UTF-8")
    }
    let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    guard first != nil else { throw InputError(file: file, "the file is empty") }
    if file.lowercased().hasSuffix(".json") || first == UInt8(ascii: "{") {
      return try parse(json: bytes, file: file, schema: schema)
    }
    return try parse(markdown: String(decoding: bytes, as: UTF8.self), file: file, schema: schema)
  }

  /// The Markdown form described on the type.
  public static func parse(markdown text: String, file: String, schema: LabelSchema) throws -> Guidelines {
    struct Draft {
      var line: Int
      var definition: [String] = []
      var lists: [Part: [String]] = [:]
      var part: Part?
      /// Whether the last line was a list item that a following line may continue.
      var open = false
    }
    var summary: [String] = []
    var drafts: [(name: String, draft: Draft)] = []
    var seenTitle = false
    // "\r\n" is one Character in Swift: split the scalars, so CRLF files read as LF ones.
    let lines = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { scalars in
      String(String.UnicodeScalarView(scalars.last == "\r" ? scalars.dropLast() : scalars[...]))
    }
    for (index, line) in lines.enumerated() {
      let number = index + 1
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.hasPrefix("## ") || trimmed == "##" {
        let name = String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty else { throw InputError(file: file, line: number, "a '## ' heading names a label: '## bridge'") }
        guard schema.labelNames.contains(name) else {
          throw InputError(
            file: file, line: number,
            "'\(name)' is not a label of the schema (\(schema.labelNames.joined(separator: ", "))); one '## ' section per label")
        }
        if let earlier = drafts.first(where: { $0.name == name }) {
          throw InputError(file: file, line: number, "a second section for '\(name)' (the first is at line \(earlier.draft.line)); merge them")
        }
        drafts.append((name, Draft(line: number)))
        continue
      }
      guard !drafts.isEmpty else {
        if !seenTitle, summary.allSatisfy(\.isEmpty), trimmed.hasPrefix("# ") {
          seenTitle = true
        } else {
          summary.append(line)
        }
        continue
      }
      var draft = drafts[drafts.count - 1].draft
      defer { drafts[drafts.count - 1].draft = draft }
      // An indented line under an entry goes on with it, whatever it starts with.
      if draft.open, let part = draft.part, !trimmed.isEmpty, line.prefix(while: { $0 == " " || $0 == "\t" }).count >= 2 {
        let items = draft.lists[part]!
        draft.lists[part]![items.count - 1] += "\n" + trimmed
        continue
      }
      if let part = Part.introduced(by: line) {
        draft.part = part
        draft.open = false
        continue
      }
      if trimmed.hasPrefix("###") {
        throw InputError(file: file, line: number, "'\(trimmed)' is no part of a section; the parts are Positive:, Negative: and Rules:")
      }
      guard let part = draft.part else {
        draft.definition.append(line)
        continue
      }
      if trimmed.isEmpty {
        draft.open = false
      } else if let item = listItem(trimmed) {
        guard !item.isEmpty else { throw InputError(file: file, line: number, "an empty list item; write the example or rule after the '- '") }
        draft.lists[part, default: []].append(item)
        draft.open = true
      } else if draft.open {
        let items = draft.lists[part]!
        draft.lists[part]![items.count - 1] += "\n" + trimmed
      } else {
        throw InputError(
          file: file, line: number,
          "under '\(part.names[0].capitalized):' write each entry as a list item ('- …'), or start another part or '## ' section")
      }
    }
    var guidelines = Guidelines(summary: joined(summary))
    for (name, draft) in drafts {
      let definition = joined(draft.definition) ?? schema.labels.first { $0.name == name }!.definition
      let section = Section(
        definition: definition, positive: draft.lists[.positive] ?? [], negative: draft.lists[.negative] ?? [], rules: draft.lists[.rules] ?? [])
      if !section.addsNothing(to: schema, label: name) { guidelines.labels[name] = section }
    }
    return guidelines
  }

  /// The JSON form: the body, or `guidelines show --json`'s output.
  public static func parse(json bytes: [UInt8], file: String, schema: LabelSchema) throws -> Guidelines {
    let value: JSONValue
    do { value = try JSONValue.parse(bytes) } catch { throw InputError(file: file, "not valid JSON: \(error)") }
    // A body has no `guidelines` key; `show --json` has the body under it.
    let body = value["guidelines"]?.objectValue != nil ? value["guidelines"]! : value
    guard let object = body.objectValue else { throw InputError(file: file, "give an object with 'summary' and 'labels'") }
    for key in object.keys where key != "summary" && key != "labels" {
      throw InputError(file: file, "unknown key '\(key)'; a guideline document has 'summary' and 'labels'")
    }
    var guidelines = Guidelines()
    if let summary = object["summary"], summary != .null {
      guard let text = summary.stringValue else { throw InputError(file: file, "'summary' is text") }
      guidelines.summary = text.isEmpty ? nil : text
    }
    guard let labels = (object["labels"] ?? .object([:])).objectValue else {
      throw InputError(file: file, "'labels' maps each label to its section: {\"bridge\": {\"definition\": …}}")
    }
    for (name, section) in labels.sorted(by: { $0.key < $1.key }) {
      guard schema.labelNames.contains(name) else {
        throw InputError(file: file, "'\(name)' is not a label of the schema (\(schema.labelNames.joined(separator: ", ")))")
      }
      guard let fields = section.objectValue else { throw InputError(file: file, "the section of '\(name)' is an object") }
      for key in fields.keys where !["definition", "positive", "negative", "rules"].contains(key) {
        throw InputError(file: file, "unknown key '\(key)' in the section of '\(name)' (definition, positive, negative, rules)")
      }
      func texts(_ key: String) throws -> [String] {
        guard let list = fields[key], list != .null else { return [] }
        guard let items = list.arrayValue?.compactMap(\.stringValue), items.count == list.arrayValue?.count, !items.contains(where: \.isEmpty)
        else { throw InputError(file: file, "'\(key)' of '\(name)' is a list of non-empty texts") }
        return items
      }
      let definition: String
      switch fields["definition"] {
      case nil, .null?: definition = schema.labels.first { $0.name == name }!.definition
      case .string(let text)?: definition = text.isEmpty ? schema.labels.first { $0.name == name }!.definition : text
      default: throw InputError(file: file, "'definition' of '\(name)' is text")
      }
      let parsed = Section(definition: definition, positive: try texts("positive"), negative: try texts("negative"), rules: try texts("rules"))
      if !parsed.addsNothing(to: schema, label: name) { guidelines.labels[name] = parsed }
    }
    return guidelines
  }

  /// The Markdown form, every label of the schema in its order (a label without a section shows
  /// the schema's definition), headed by `title`.
  public func markdown(schema: LabelSchema, title: String) -> String {
    var text = "# \(title)\n"
    if let summary { text += "\n\(summary)\n" }
    for label in schema.labels {
      let section = labels[label.name] ?? Section(definition: label.definition)
      text += "\n## \(label.name)\n\n\(section.definition)\n"
      for (part, items) in [("Positive", section.positive), ("Negative", section.negative), ("Rules", section.rules)] where !items.isEmpty {
        text += "\n\(part):\n"
        for item in items { text += "- " + item.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\n  ") + "\n" }
      }
    }
    return text
  }

  /// The text of a list item line (`- `, `* ` or `+ `), or nil.
  private static func listItem(_ trimmed: String) -> String? {
    for marker in ["- ", "* ", "+ "] where trimmed.hasPrefix(marker) {
      return String(trimmed.dropFirst(2)).trimmingCharacters(in: .whitespaces)
    }
    return ["-", "*", "+"].contains(trimmed) ? "" : nil
  }

  /// Lines joined, blank lines around them dropped; nil when nothing is left.
  private static func joined(_ lines: [String]) -> String? {
    let text = lines.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }
}

extension Guidelines {
  /// The largest guideline document, and the largest text in it: enough for any convention a
  /// team writes, small enough that every annotator's `next` carries it.
  public static let maximumBytes = 256 * 1024
  public static let maximumTextBytes = 16 * 1024

  /// Why these guidelines cannot be stored, or nil: too large, a control character (other than a
  /// line break or tab, which the terminal would act on), an empty entry, or text the Markdown
  /// form would read differently (a blank line inside an entry, a definition line that reads as
  /// a part heading, a summary or definition line that reads as a section heading).
  public func problem() -> String? {
    var total = 0
    func check(_ text: String, _ what: String, entry: Bool = false, definition: Bool = false) -> String? {
      total += text.utf8.count
      if text.utf8.count > Self.maximumTextBytes { return "\(what) is \(text.utf8.count) bytes; at most \(Self.maximumTextBytes / 1024) KiB" }
      if text.unicodeScalars.contains(where: { $0.properties.generalCategory == .control && $0 != "\n" && $0 != "\t" }) {
        return "\(what) holds a control character; write plain text"
      }
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
      if entry {
        if text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty { return "\(what) is empty" }
        if lines.contains(where: \.isEmpty) { return "\(what) holds a blank line; an entry is one paragraph" }
      }
      if let line = lines.first(where: { $0.hasPrefix("##") }) { return "\(what) has a line '\(line)' that reads as a heading" }
      if definition, let line = lines.first(where: { Part.introduced(by: $0) != nil }) {
        return "\(what) has a line '\(line)' that reads as a part heading"
      }
      return nil
    }
    if let summary, let problem = check(summary, "the summary") { return problem }
    for (name, section) in labels.sorted(by: { $0.key < $1.key }) {
      if let problem = check(section.definition, "the definition of '\(name)'", definition: true) { return problem }
      for (part, entries) in [("a positive example", section.positive), ("a negative example", section.negative), ("a rule", section.rules)] {
        for entry in entries {
          if let problem = check(entry, "\(part) of '\(name)'", entry: true) { return problem }
        }
      }
    }
    if total > Self.maximumBytes { return "the guidelines are \(total) bytes; at most \(Self.maximumBytes / 1024) KiB" }
    return nil
  }
}

extension Guidelines.Section {
  /// Whether this section reads exactly as the schema's definition alone.
  func addsNothing(to schema: LabelSchema, label: String) -> Bool {
    positive.isEmpty && negative.isEmpty && rules.isEmpty && definition == schema.labels.first { $0.name == label }?.definition
  }
}
