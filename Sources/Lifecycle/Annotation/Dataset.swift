import Crypto
import Foundation
import VersionedStore

/// One version of a dataset: which items it holds, named by the SHA-256 of its canonical items
/// file, so that a training run can name exactly the data it used. Stored at `datasets/<id>/`;
/// the items themselves are in `datasets/<id>/items/sha256-<hex>.ndjson`, written once and never
/// changed. Schema: `schemas/kinds/dataset.schema.json`.
public struct Dataset: DocumentBody, Equatable {
  public static let kind = "dataset"
  public static let schemaVersion = 1

  public struct Changes: Codable, Sendable, Equatable {
    public var added: Int
    public var removed: Int
    public var changed: Int
  }

  /// `sha256:<hex>` of the canonical items file.
  public var items: String
  public var count: Int
  /// The file the items were imported from, as given.
  public var source: String
  /// Against the version before (all added for version 1).
  public var changes: Changes

  public static func path(_ id: String) -> RecordPath { RecordPath(trusted: ["datasets", id]) }
  public static let collection = RecordPath(trusted: ["datasets"])
}

/// One item: an id, and a payload (any JSON) or a URI.
public struct Item: Sendable, Equatable {
  public var id: String
  public var payload: JSONValue?
  public var uri: String?

  public init(id: String, payload: JSONValue?, uri: String?) {
    self.id = id
    self.payload = payload
    self.uri = uri
  }

  /// The canonical line of the items file (compact, sorted keys, no newline).
  var canonicalLine: [UInt8] {
    var fields: [String: JSONValue] = ["id": .string(id)]
    if let payload { fields["payload"] = payload }
    if let uri { fields["uri"] = .string(uri) }
    return JSONValue.object(fields).canonicalBytes(pretty: false)
  }

  /// Why `text` cannot be an item id, or nil: 1 to 128 characters of `A-Z a-z 0-9 . _ : / @ -`.
  /// Ids travel in CSV fields, shell words and log lines, so they never need quoting or escaping.
  public static func problem(with text: String) -> String? {
    let bytes = Array(text.utf8)
    if bytes.isEmpty { return "the id is empty" }
    if bytes.count > 128 { return "the id is \(bytes.count) characters long (at most 128)" }
    for b in bytes {
      let ok = (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == 46 || b == 95 || b == 58 || b == 47 || b == 64 || b == 45
      if !ok { return "id '\(text)' contains a character other than A-Z a-z 0-9 . _ : / @ -" }
    }
    return nil
  }
}

/// The items of one dataset version, as stored: sorted by id, one canonical JSON line each.
public struct ItemsFile: Sendable {
  public let path: String
  public let bytes: [UInt8]
  /// Each item's id and the byte range of its line.
  public let ids: [String]
  public let lineStarts: [Int]

  /// Reads and indexes an items file.
  public init(path: String) throws {
    self.path = path
    bytes = try FileIO.read(path)
    var ids: [String] = []
    var starts: [Int] = []
    var start = 0
    while start < bytes.count {
      let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
      guard let id = ItemsFile.id(in: bytes[start..<end]) else {
        throw StoreError.corrupt(file: path, reason: "line \(ids.count + 1) is not an item")
      }
      ids.append(id)
      starts.append(start)
      start = end + 1
    }
    self.ids = ids
    lineStarts = starts
  }

  /// The bytes of item `i`'s line, without its newline (the last line's included: comparing
  /// it with the line of the same item in another version must not see the newline as a change).
  public func line(_ i: Int) -> ArraySlice<UInt8> {
    var end = i + 1 < lineStarts.count ? lineStarts[i + 1] - 1 : bytes.count
    if i + 1 == lineStarts.count, end > lineStarts[i], bytes[end - 1] == 0x0A { end -= 1 }
    return bytes[lineStarts[i]..<end]
  }

  /// The id of a canonical item line: `{"id":"…",…}` sorts first.
  static func id(in line: ArraySlice<UInt8>) -> String? {
    let prefix = Array(#"{"id":""#.utf8)
    guard line.count > prefix.count, line.prefix(prefix.count).elementsEqual(prefix) else { return nil }
    let rest = line.dropFirst(prefix.count)
    guard let quote = rest.firstIndex(of: UInt8(ascii: "\"")) else { return nil }
    return String(decoding: rest[..<quote], as: UTF8.self)
  }

  /// The item whose line starts at byte `offset`.
  public static func item(at offset: Int, in path: String) throws -> Item {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { throw StoreError.notFound(what: "items file \(path)", hint: "run 'mlw fsck'") }
    defer { close(fd) }
    ReadSet.opened(fd, path: path)
    var line: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    var at = offset
    while true {
      let got = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 4096, off_t(at)) }
      guard got > 0 else { break }
      if let newline = chunk[..<got].firstIndex(of: 0x0A) {
        line.append(contentsOf: chunk[..<newline])
        break
      }
      line.append(contentsOf: chunk[..<got])
      at += got
    }
    return try parseLine(line[...], file: path, line: 0)
  }

  static func parseLine(_ line: ArraySlice<UInt8>, file: String, line number: Int) throws -> Item {
    guard let json = try? JSONValue.parse(line), let id = json["id"]?.stringValue else {
      throw StoreError.corrupt(file: file, reason: "line \(number) is not an item")
    }
    return Item(id: id, payload: json["payload"], uri: json["uri"]?.stringValue)
  }

  /// Every item, in id order.
  public func items() throws -> [Item] {
    try lineStarts.indices.map { i in
      try ItemsFile.parseLine(line(i), file: path, line: i + 1)
    }
  }
}

/// A stored dataset version with its id and attribution.
public struct StoredDataset: Sendable, Encodable {
  public var id: String
  public var version: Int
  public var dataset: Dataset
  public var author: String
  public var time: Date
  public var message: String
}

/// Reads items to import from JSON Lines or CSV.
///
/// JSON Lines: one object per line with `id` (text or integer), and `payload` (any JSON) and/or
/// `uri`; without either, every other key becomes the payload object. CSV: an `id` column, and a
/// `uri` and/or `payload` column, else the other columns become the payload object (a column of
/// JSON numbers holds numbers, see `number`). Refused,
/// naming the line: a line that is not an object, a missing or invalid id, an id given twice.
public enum ItemsInput {
  /// A CSV payload field as a JSON number when it is one (`7`, `-3.5`, `1e3`), else nil: `007`,
  /// `+5`, `1.` and integers beyond 64 bits are not, as a reader would want a postcode or a long
  /// id kept as text.
  static func number(_ field: String) -> JSONValue? {
    guard let first = field.utf8.first, first == UInt8(ascii: "-") || (0x30...0x39).contains(first) else { return nil }
    switch try? JSONValue.parse(Array(field.utf8)[...]) {
    case .int(let n)?: return .int(n)
    case .double(let d)? where d.isFinite && field.contains(where: { $0 == "." || $0 == "e" || $0 == "E" }): return .double(d)
    default: return nil
    }
  }

  public static func read(file: String) throws -> [Item] {
    guard FileIO.exists(file), !FileIO.isDirectory(file) else { throw InputError(file: file, "no such file") }
    let bytes = TextBytes.withoutBOM(try FileIO.read(file))
    let first = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    guard first != nil else { throw InputError(file: file, "the file is empty") }
    var items: [Item] = []
    var firstLine: [String: Int] = [:]
    func add(_ item: Item, line: Int) throws {
      if let problem = Item.problem(with: item.id) { throw InputError(file: file, line: line, problem) }
      if let earlier = firstLine[item.id] {
        throw InputError(file: file, line: line, "id '\(item.id)' is on line \(earlier) already; ids must be unique (nothing was imported)")
      }
      firstLine[item.id] = line
      items.append(item)
    }
    if file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson") || first == UInt8(ascii: "{") {
      var start = 0
      var line = 0
      while start < bytes.count {
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        line += 1
        defer { start = end + 1 }
        var slice = bytes[start..<end]
        if slice.last == 0x0D { slice = slice.dropLast() }
        if slice.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
        let json: JSONValue
        do { json = try JSONValue.parse(slice) } catch {
          throw InputError(file: file, line: line, "not JSON (\(error.reason)); nothing was imported")
        }
        guard case .object(var fields) = json else { throw InputError(file: file, line: line, "not a JSON object") }
        let id: String
        switch fields.removeValue(forKey: "id") {
        case .string(let text)?: id = text
        case .int(let n)?: id = String(n)
        default: throw InputError(file: file, line: line, "no \"id\" (text or integer)")
        }
        var uri: String?
        if let value = fields.removeValue(forKey: "uri") {
          guard let text = value.stringValue else { throw InputError(file: file, line: line, "\"uri\" is not text") }
          uri = text
        }
        var payload = fields.removeValue(forKey: "payload")
        if payload == nil, uri == nil {
          guard !fields.isEmpty else { throw InputError(file: file, line: line, "item '\(id)' has no payload or uri") }
          payload = .object(fields)
        }
        try add(Item(id: id, payload: payload, uri: uri), line: line)
      }
    } else {
      let input = try TabularInput(file: file)
      guard input.header.contains("id") else { throw InputError(file: file, line: 1, "the header has no 'id' column") }
      let others = input.header.filter { !["id", "uri", "payload"].contains($0) }
      let hasURI = input.header.contains("uri")
      let hasPayload = input.header.contains("payload")
      guard hasURI || hasPayload || !others.isEmpty else {
        throw InputError(file: file, line: 1, "the header needs a 'uri' or 'payload' column, or payload columns besides 'id'")
      }
      let columns = ["id"] + (hasURI ? ["uri"] : []) + (hasPayload ? ["payload"] : []) + others
      var rows: [(line: Int, named: [String: String])] = []
      try input.forEachRow(columns: columns) { line, fields in
        rows.append((line, Dictionary(uniqueKeysWithValues: zip(columns, fields.map { $0 ?? "" }))))
      }
      // A payload column whose every non-empty field is a JSON number holds numbers (an empty
      // field there is null); any other column holds text.
      var numbers: [String: [JSONValue?]] = [:]
      for name in others {
        let column = rows.map { ItemsInput.number($0.named[name]!) }
        if zip(rows, column).allSatisfy({ $0.named[name]!.isEmpty || $1 != nil }) { numbers[name] = column }
      }
      for (index, (line, named)) in rows.enumerated() {
        let id = named["id"] ?? ""
        let uri = named["uri"].flatMap { $0.isEmpty ? nil : $0 }
        var payload: JSONValue? = named["payload"].flatMap { $0.isEmpty ? nil : .string($0) }
        if !hasURI, !hasPayload {
          var object: [String: JSONValue] = [:]
          for name in others {
            let field = named[name]!
            object[name] = numbers[name].map { $0[index] ?? .null } ?? .string(field)
          }
          payload = .object(object)
        }
        guard uri != nil || payload != nil else { throw InputError(file: file, line: line, "item '\(id)' has no payload or uri") }
        try add(Item(id: id, payload: payload, uri: uri), line: line)
      }
    }
    guard !items.isEmpty else { throw InputError(file: file, "no items") }
    return items
  }
}

extension Workspace {
  /// The dataset ids of this workspace, sorted.
  /// A folder without a version (an import a crash cut short; fsck removes it) is no dataset.
  public func datasetIDs() throws -> [String] {
    try documents.children(of: Dataset.collection).filter { try documents.latestVersion(of: Dataset.path($0)) > 0 }
  }

  /// The newest version of dataset `id`, or an error listing the datasets.
  public func dataset(_ id: String, version: Int? = nil) throws -> StoredDataset {
    _ = try Name(id, what: "dataset name")
    guard try documents.latestVersion(of: Dataset.path(id)) > 0 else {
      throw AnnotationError.unknownDataset(name: id, known: try datasetIDs())
    }
    return try storedDataset(id, try documents.read(Dataset.path(id), version: version))
  }

  private func storedDataset(_ id: String, _ stored: StoredDocument) throws -> StoredDataset {
    StoredDataset(
      id: id, version: stored.envelope.version, dataset: try stored.body(as: Dataset.self), author: stored.envelope.author,
      time: stored.envelope.time, message: stored.envelope.message)
  }

  /// Every version of dataset `id`, oldest first.
  public func datasetVersions(_ id: String) throws -> [StoredDataset] {
    _ = try dataset(id)
    return try documents.history(Dataset.path(id)).map { try storedDataset(id, $0) }
  }

  /// The file holding the items of a dataset version.
  public func itemsFilePath(_ id: String, hash: String) -> String {
    folder + "/datasets/\(id)/items/sha256-" + hash.dropFirst("sha256:".count) + ".ndjson"
  }

  /// The items of a dataset version, indexed.
  public func itemsFile(_ stored: StoredDataset) throws -> ItemsFile {
    try ItemsFile(path: itemsFilePath(stored.id, hash: stored.dataset.items))
  }

  /// Imports `items` as a new version of dataset `id` (the first when it is new).
  ///
  /// The items file is written first (content-addressed, atomically), then the version is
  /// published; a crash between the two leaves an unreferenced items file and no version. An
  /// import identical to the current version publishes nothing. Changed or removed items are
  /// refused unless `allowChanges`.
  public func importDataset(
    _ id: String, items: [Item], source: String, allowChanges: Bool, actor: Actor, message: String?, ifVersion: Int?, now: Date
  ) throws -> (StoredDataset, unchanged: Bool) {
    _ = try Name(id, what: "dataset name")
    let sorted = items.sorted { $0.id.utf8.lexicographicallyPrecedes($1.id.utf8) }
    var bytes: [UInt8] = []
    var lines: [String: [UInt8]] = [:]
    for item in sorted {
      let line = item.canonicalLine
      lines[item.id] = line
      bytes += line
      bytes.append(0x0A)
    }
    let hash = ContentHash.of(bytes)
    let latest = try documents.latestVersion(of: Dataset.path(id))
    var changes = Dataset.Changes(added: sorted.count, removed: 0, changed: 0)
    if latest > 0 {
      let current = try dataset(id)
      if current.dataset.items == hash { return (current, true) }
      let old = try itemsFile(current)
      var oldIDs = Set<String>()
      var changedFirst: String?
      changes.added = 0
      for i in old.ids.indices {
        let id = old.ids[i]
        oldIDs.insert(id)
        if let new = lines[id] {
          if !new.elementsEqual(old.line(i)) {
            changes.changed += 1
            changedFirst = changedFirst ?? id
          }
        } else {
          changes.removed += 1
          changedFirst = changedFirst ?? id
        }
      }
      changes.added = sorted.filter { !oldIDs.contains($0.id) }.count
      if !allowChanges, changes.changed + changes.removed > 0 {
        throw AnnotationError.changedItems(dataset: id, changed: changes.changed, removed: changes.removed, first: changedFirst!)
      }
    }
    let file = itemsFilePath(id, hash: hash)
    let working = try WorkInProgress(in: folder + "/datasets/" + id, "import")
    defer { working.end() }
    try FileIO.makeDirectories(FileIO.parentPath(file))
    if !FileIO.exists(file) { _ = try FileIO.publishExclusive(bytes, at: file) }
    let body = Dataset(items: hash, count: sorted.count, source: source, changes: changes)
    let summary =
      latest == 0
      ? "import \(sorted.count) items"
      : "import: \(changes.added) added, \(changes.removed) removed, \(changes.changed) changed"
    let stored = try publish(Dataset.path(id), body, actor: actor, message: message ?? summary, expecting: ifVersion ?? latest, now: now)
    return (try storedDataset(id, stored), false)
  }
}
