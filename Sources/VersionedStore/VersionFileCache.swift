import Foundation

/// The version files this process has read, and the bodies it decoded from them.
///
/// A version file never changes once it is published, so a process that lives long (the
/// server) need not read, parse, hash and decode the same file on every request: the workspace
/// record, for one, is read by every role check. Entries are found by the file's path and
/// identity (device, inode, size, modification and change times), so a file that was replaced,
/// by hand or by a restore, is read afresh. Which version is the latest is never cached: that
/// is probed on disk on every read, as before.
final class VersionFileCache: @unchecked Sendable {
  // `entries` is touched only under `lock`; entries themselves are immutable once made.
  private let lock = NSLock()
  private var entries: [String: Entry] = [:]
  private var latest: [String: Int] = [:]
  private var bytes: Int64 = 0
  private let capacity: Int
  private let capacityBytes: Int64

  /// Up to 4,096 version files or 16 MiB of them, whichever comes first (decoded bodies take a
  /// few times their file's size).
  static let shared = VersionFileCache(capacity: 4096, bytes: 16 << 20)

  init(capacity: Int, bytes: Int64) {
    self.capacity = capacity
    self.capacityBytes = bytes
  }

  private struct Entry {
    let identity: FileIdentity
    let document: StoredDocument
  }

  /// The document read earlier from `file`, if the file is still the one it was read from.
  func document(at file: String, identity: FileIdentity) -> StoredDocument? {
    lock.lock()
    defer { lock.unlock() }
    guard let entry = entries[file], entry.identity == identity else { return nil }
    return entry.document
  }

  /// The newest version last found in a record's folder (a first guess, checked on disk).
  func latest(in folder: String) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    return latest[folder]
  }

  func setLatest(_ version: Int, in folder: String) {
    lock.lock()
    defer { lock.unlock() }
    if latest.count >= capacity { latest.removeAll(keepingCapacity: true) }
    latest[folder] = version
  }

  func store(_ document: StoredDocument, at file: String, identity: FileIdentity) {
    lock.lock()
    defer { lock.unlock() }
    // More distinct version files than a server's requests touch again are a sign of a scan
    // (diffs, many records); start over rather than grow without bound.
    if entries.count >= capacity || bytes + identity.size > capacityBytes {
      entries.removeAll(keepingCapacity: true)
      bytes = 0
    }
    guard identity.size <= capacityBytes / 4 else { return }
    bytes += identity.size - (entries[file]?.identity.size ?? 0)
    entries[file] = Entry(identity: identity, document: document)
  }
}

/// The bodies decoded from one version file, by type, shared by every copy of its document.
final class DecodedBodies: @unchecked Sendable {
  // `bodies` is touched only under `lock`; the values are immutable `Sendable` bodies.
  private let lock = NSLock()
  private var bodies: [ObjectIdentifier: any Sendable] = [:]

  func body<T: DocumentBody>(as type: T.Type, decode: () throws(StoreError) -> T) throws(StoreError) -> T {
    lock.lock()
    let cached = bodies[ObjectIdentifier(type)] as? T
    lock.unlock()
    if let cached { return cached }
    let body = try decode()
    lock.lock()
    bodies[ObjectIdentifier(type)] = body
    lock.unlock()
    return body
  }
}
