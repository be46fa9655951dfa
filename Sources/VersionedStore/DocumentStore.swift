import Foundation

/// A record body that knows its stored kind and the newest schema version this code writes.
///
/// Reading follows STYLE.md: the envelope's `schemaVersion` is looked at first; a newer one than
/// `schemaVersion` is refused with an error naming the file, an older one goes through
/// `migrate(_:from:)`, which a kind overrides when it changes shape.
public protocol DocumentBody: Codable, Sendable {
  static var kind: String { get }
  static var schemaVersion: Int { get }
  /// Converts the body of an older schema version to the newest shape (identity by default).
  static func migrate(_ body: JSONValue, from schemaVersion: Int) throws -> JSONValue
}

extension DocumentBody {
  public static func migrate(_ body: JSONValue, from schemaVersion: Int) throws -> JSONValue { body }
}

/// One version of a record as read from disk.
public struct StoredDocument: Sendable {
  public let path: RecordPath
  public let envelope: Envelope
  /// SHA-256 of the version file's bytes: the `parent` of the next version.
  public let hash: String
  /// The version file, for messages.
  public let file: String
  /// What `body(as:)` decoded, shared by the copies of this document in the version file cache.
  private let decoded = DecodedBodies()

  init(path: RecordPath, envelope: Envelope, hash: String, file: String) {
    self.path = path
    self.envelope = envelope
    self.hash = hash
    self.file = file
  }

  /// The body decoded as `T`, after checking the kind and the schema version.
  public func body<T: DocumentBody>(as type: T.Type = T.self) throws(StoreError) -> T {
    guard envelope.kind == T.kind else { throw .wrongKind(file: file, expected: T.kind, found: envelope.kind) }
    guard envelope.schemaVersion <= T.schemaVersion else {
      throw .newerSchema(file: file, kind: T.kind, found: envelope.schemaVersion, known: T.schemaVersion)
    }
    return try decoded.body(as: T.self) { () throws(StoreError) -> T in
      do {
        let body = try T.migrate(envelope.body, from: envelope.schemaVersion)
        return try body.decode(as: T.self)
      } catch {
        throw .corrupt(file: file, reason: describeDecodingError(error))
      }
    }
  }
}

/// What a writer supplies for a new version; the store adds the version number and parent hash.
public struct DocumentDraft: Sendable {
  public var kind: String
  public var schemaVersion: Int
  public var author: String
  public var role: String
  public var time: Date
  public var message: String
  public var body: JSONValue

  public init(
    kind: String, schemaVersion: Int, author: String, role: String, time: Date, message: String,
    body: JSONValue
  ) {
    self.kind = kind
    self.schemaVersion = schemaVersion
    self.author = author
    self.role = role
    self.time = time
    self.message = message
    self.body = body
  }

  /// A draft for a typed body.
  public init<T: DocumentBody>(
    _ body: T, author: String, role: String, time: Date, message: String
  ) throws {
    self.init(
      kind: T.kind, schemaVersion: T.schemaVersion, author: author, role: role, time: time,
      message: message, body: try JSONValue(encoding: body))
  }
}

/// Versioned documents on a folder tree: one folder per record, one immutable file per version.
///
/// Invariants: version files are only ever created, never changed or removed; each is published
/// atomically (see `FileIO.publishExclusive`); version numbers are contiguous from 1; each
/// version's `parent` is the hash of the one before. A writer names the version it read, and a
/// publish on top of anything else fails with a conflict that names who published first.
public struct DocumentStore: Sendable {
  /// The folder that record paths are relative to.
  public let root: String

  public init(root: String) {
    self.root = root
  }

  /// The folder of a record.
  public func folder(_ path: RecordPath) -> String {
    path.components.isEmpty ? root : root + "/" + path.description
  }

  /// The file name of version `n`: `v000001.json`.
  public static func fileName(version n: Int) -> String {
    guard (0..<1_000_000).contains(n) else { return "v" + String(n) + ".json" }
    // Written byte by byte: the server makes several of these names per request.
    return String(unsafeUninitializedCapacity: 12) { name in
      name[0] = UInt8(ascii: "v")
      var rest = n
      for index in (1...6).reversed() {
        name[index] = UInt8(ascii: "0") + UInt8(rest % 10)
        rest /= 10
      }
      for (offset, byte) in ".json".utf8.enumerated() { name[7 + offset] = byte }
      return 12
    }
  }

  /// The version number a file name stands for, or nil when it is not a version file.
  public static func version(ofFileName name: String) -> Int? {
    let bytes = Array(name.utf8)
    guard bytes.count >= 12, bytes.first == UInt8(ascii: "v"), name.hasSuffix(".json") else { return nil }
    let digits = bytes[1..<(bytes.count - 5)]
    guard digits.count >= 6, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
    guard let n = Int(String(decoding: digits, as: UTF8.self)), n >= 1, fileName(version: n) == name else {
      return nil
    }
    return n
  }

  /// The newest version number of a record, 0 when it has none.
  ///
  /// Versions are contiguous from 1 (publish only ever links the next number; fsck reports a
  /// gap), so the newest is found by probing for files, doubling and then halving: O(log n)
  /// `stat` calls instead of listing a folder that grows with every version. The newest this
  /// process saw last time is the first guess: when it still exists and the next does not, two
  /// `stat` calls answer (versions are never removed, so nothing newer can be hiding).
  ///
  /// A `ReadSet` learns only what the answer rests on, version n there and n + 1 not (or no
  /// version 1), not every probe on the way.
  public func latestVersion(of path: RecordPath) throws(StoreError) -> Int {
    guard let reads = ReadSet.current else { return try probeLatestVersion(of: path) }
    let probed = ReadSet.$current.withValue(nil) { () -> Result<Int, StoreError> in
      do throws(StoreError) { return .success(try probeLatestVersion(of: path)) } catch { return .failure(error) }
    }
    let latest = try probed.get()
    let base = folder(path) + "/"
    if latest > 0 { reads.expect(base + DocumentStore.fileName(version: latest), present: true) }
    reads.expect(base + DocumentStore.fileName(version: latest + 1), present: false)
    return latest
  }

  private func probeLatestVersion(of path: RecordPath) throws(StoreError) -> Int {
    let base = folder(path) + "/"
    func exists(_ n: Int) -> Bool { FileIO.exists(base + DocumentStore.fileName(version: n)) }
    var low = 1
    if let seen = VersionFileCache.shared.latest(in: base), seen > 1, exists(seen) {
      low = seen
    } else if !exists(1) {
      // No version 1: an absent record, or a folder that is not a record; a folder that cannot
      // be read is an error, as listing it would be.
      if FileIO.exists(folder(path)), !FileIO.isDirectory(folder(path)) { _ = try FileIO.list(folder(path)) }
      return 0
    }
    var step = 1
    var high = low + step
    while exists(high) {
      low = high
      step *= 2
      high = low + step
    }
    // exists(low), !exists(high)
    while high - low > 1 {
      let middle = (low + high) / 2
      if exists(middle) { low = middle } else { high = middle }
    }
    VersionFileCache.shared.setLatest(low, in: base)
    return low
  }

  /// Version `version` of a record (the newest when nil).
  public func read(_ path: RecordPath, version: Int? = nil) throws(StoreError) -> StoredDocument {
    let latest = try latestVersion(of: path)
    guard latest > 0 else { throw StoreError.notFound(what: "record \(path)", hint: "'mlw status' lists what exists") }
    let wanted = version ?? latest
    guard wanted >= 1, wanted <= latest else {
      throw StoreError.versionNotFound(path: path.description, version: wanted, latest: latest)
    }
    return try readFile(path, version: wanted)
  }

  /// Reads one version file, checking that its number matches its name; a file this process
  /// read before (and that is still the same file) comes from the version file cache.
  func readFile(_ path: RecordPath, version: Int) throws(StoreError) -> StoredDocument {
    let file = folder(path) + "/" + DocumentStore.fileName(version: version)
    let identity = ReadSet.looked(at: file)
    if let identity, let document = VersionFileCache.shared.document(at: file, identity: identity) { return document }
    let document = try readFileNow(path, version: version, file: file)
    if let identity { VersionFileCache.shared.store(document, at: file, identity: identity) }
    return document
  }

  private func readFileNow(_ path: RecordPath, version: Int, file: String) throws(StoreError) -> StoredDocument {
    let bytes = try FileIO.read(file)
    let json: JSONValue
    do { json = try JSONValue.parse(bytes) } catch { throw StoreError.corrupt(file: file, reason: "not valid JSON (\(error))") }
    let envelope = try Envelope(json: json, file: file)
    guard envelope.version == version else {
      throw StoreError.corrupt(file: file, reason: "it says version \(envelope.version) but its name says \(version)")
    }
    return StoredDocument(path: path, envelope: envelope, hash: ContentHash.of(bytes), file: file)
  }

  /// Publishes a new version on top of version `expected` (0: the record must not exist yet).
  ///
  /// Fails with `.conflict` (naming the author and time of the version that won) when the record
  /// has moved past `expected`, including when another process wins the race for the same number.
  @discardableResult
  public func publish(_ path: RecordPath, _ draft: DocumentDraft, expecting expected: Int) throws(StoreError)
    -> StoredDocument
  {
    let latest = try latestVersion(of: path)
    if latest > expected { throw try conflict(path, version: expected + 1, youRead: expected) }
    if expected > latest {
      throw StoreError.versionNotFound(path: path.description, version: expected, latest: latest)
    }
    let parent = expected == 0 ? nil : try readFile(path, version: expected).hash
    let envelope = Envelope(
      kind: draft.kind, schemaVersion: draft.schemaVersion, version: expected + 1, parent: parent,
      author: draft.author, role: draft.role, time: draft.time, message: draft.message, body: draft.body)
    let bytes = envelope.json.canonicalBytes(pretty: true)
    let folder = folder(path)
    if expected == 0 { try FileIO.makeDirectories(folder) }
    let file = folder + "/" + DocumentStore.fileName(version: expected + 1)
    guard try FileIO.publishExclusive(bytes, at: file) else {
      throw try conflict(path, version: expected + 1, youRead: expected)
    }
    return StoredDocument(path: path, envelope: envelope, hash: ContentHash.of(bytes), file: file)
  }

  private func conflict(_ path: RecordPath, version: Int, youRead: Int) throws(StoreError) -> StoreError {
    let winner = try readFile(path, version: version).envelope
    return .conflict(
      path: path.description, version: version, author: winner.author, role: winner.role,
      time: Timestamp.format(winner.time), youRead: youRead, now: max(version, try latestVersion(of: path)))
  }

  /// Every version of a record, oldest first (read from disk: a scan of the whole history would
  /// only crowd the version file cache).
  public func history(_ path: RecordPath) throws(StoreError) -> [StoredDocument] {
    let latest = try latestVersion(of: path)
    guard latest > 0 else { throw StoreError.notFound(what: "record \(path)", hint: "'mlw status' lists what exists") }
    var versions: [StoredDocument] = []
    for n in 1...latest {
      versions.append(try readFileNow(path, version: n, file: folder(path) + "/" + DocumentStore.fileName(version: n)))
    }
    return versions
  }

  /// A new version whose body equals version `target`'s, on top of version `expected`.
  @discardableResult
  public func revert(
    _ path: RecordPath, to target: Int, author: String, role: String, time: Date, message: String?,
    expecting expected: Int
  ) throws(StoreError) -> StoredDocument {
    let old = try read(path, version: target)
    let draft = DocumentDraft(
      kind: old.envelope.kind, schemaVersion: old.envelope.schemaVersion, author: author, role: role,
      time: time, message: message ?? "revert to version \(target)", body: old.envelope.body)
    return try publish(path, draft, expecting: expected)
  }

  /// How many records a collection folder holds, without sorting or validating their names
  /// (fast on folders of many thousand records).
  ///
  /// Listing a folder of 100,000 runs costs the kernel some 40 ms, so a large folder's count is
  /// kept in a derived file (`.index/count-<path>`) with the folder's identity: a folder's times
  /// change whenever an entry is added, removed or renamed in it, so while its identity is the
  /// one recorded the count is the one recorded. It is written only when the identity was settled
  /// before the listing and unchanged after it (see `FileIdentity.settled(at:)`).
  public func childCount(of path: RecordPath) throws(StoreError) -> Int {
    let directory = folder(path)
    let cache = root + "/.index/count-" + path.components.joined(separator: ".")
    let started = FileIdentity.clock()
    guard let before = ReadSet.looked(at: directory) else { return 0 }
    if let (bytes, payload) = DerivedFile.read(cache, kind: "child-count", schemaVersion: 1) {
      let fields = String(decoding: bytes[payload], as: UTF8.self).split(separator: " ").compactMap { Int64($0) }
      if fields.count == 4, fields[0] == Int64(bitPattern: before.inode), fields[1] == before.modified, fields[2] == before.changed {
        return Int(fields[3])
      }
    }
    let count = try FileIO.count(directory) { !$0.hasPrefix(".") }
    if count >= Self.countsKeptFrom, before.settled(at: started), FileIdentity.of(directory) == before {
      let payload = "\(Int64(bitPattern: before.inode)) \(before.modified) \(before.changed) \(count)"
      DerivedFile.write(Array(payload.utf8), to: cache, kind: "child-count", schemaVersion: 1)
    }
    return count
  }

  /// The number of entries from which a folder's count is kept (a smaller folder lists in
  /// microseconds).
  static let countsKeptFrom = 1000

  /// The names of the sub-folders of a collection folder (`runs` → run ids), sorted.
  public func children(of path: RecordPath) throws(StoreError) -> [String] {
    try FileIO.list(folder(path)).filter { Name.problem(with: $0) == nil }.sorted()
  }
}
