/// Files named by the SHA-256 of their content, written once and never changed: the label
/// snapshots, splits, predictions and artifacts a training run pins. The same bytes are stored
/// once however many records name them (`sha256-<hex>.<extension>` in one folder).
///
/// A put is atomic (`FileIO.publishExclusive`): a crash leaves either no file or the whole one,
/// so a record that names a hash is published only after the file it names. fsck checks that
/// every such file still hashes to its name.
public struct ContentStore: Sendable {
  public let folder: String

  public init(folder: String) {
    self.folder = folder
  }

  /// The file holding `hash` (`sha256:<hex>`).
  public func path(of hash: String, extension ext: String) -> String {
    folder + "/sha256-" + hash.dropFirst("sha256:".count) + "." + ext
  }

  /// Stores `bytes` unless they are stored already; their hash.
  @discardableResult
  public func put(_ bytes: [UInt8], extension ext: String) throws(StoreError) -> String {
    let hash = ContentHash.of(bytes)
    let file = path(of: hash, extension: ext)
    if FileIO.exists(file) { return hash }
    try FileIO.makeDirectories(folder)
    _ = try FileIO.publishExclusive(bytes, at: file)  // false: another writer stored the same bytes first
    return hash
  }

  /// The bytes of `hash`, checked against it: a file changed after it was written is corrupt.
  public func get(_ hash: String, extension ext: String) throws(StoreError) -> [UInt8] {
    guard ContentStore.isHash(hash) else { throw .corrupt(file: folder, reason: "'\(hash)' is not a sha256:<64 hex digits> hash") }
    let file = path(of: hash, extension: ext)
    guard FileIO.exists(file) else { throw .corrupt(file: file, reason: "the content a record names is missing (restore it from git or a backup)") }
    let bytes = try FileIO.read(file)
    guard ContentHash.of(bytes) == hash else {
      throw .corrupt(file: file, reason: "its content no longer hashes to its name (it was changed after it was written)")
    }
    return bytes
  }

  /// Whether `text` is `sha256:` and 64 lowercase hex digits.
  public static func isHash(_ text: String) -> Bool {
    guard text.hasPrefix("sha256:") else { return false }
    let hex = text.utf8.dropFirst(7)
    return hex.count == 64 && hex.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
  }
}
