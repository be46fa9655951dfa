import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Which file a path names, as far as `stat` can tell: the same identity means the same file
/// with the same content, because every way the store changes a file changes one of these (a
/// published version is a new inode; an append grows the size; both set the modification and
/// change times).
public struct FileIdentity: Equatable, Hashable, Sendable {
  var device: UInt64
  var inode: UInt64
  var mode: UInt32
  var size: Int64
  var modified: Int64
  var changed: Int64

  init(_ info: stat) {
    device = UInt64(info.st_dev)
    inode = UInt64(info.st_ino)
    mode = UInt32(info.st_mode)
    size = Int64(info.st_size)
    modified = Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec)
    changed = Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec)
  }

  init(device: UInt64, inode: UInt64, mode: UInt32, size: Int64, modified: Int64, changed: Int64) {
    self.device = device
    self.inode = inode
    self.mode = mode
    self.size = size
    self.modified = modified
    self.changed = changed
  }

  /// The identity of what is at `path` now; nil when nothing is.
  public static func of(_ path: String) -> FileIdentity? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileIdentity(info)
  }

  /// Whether any later change to the file is sure to give it another identity: its times lie at
  /// least `ReadSet.settling` before `time` (nanoseconds since 1970, from `FileIdentity.clock()`,
  /// taken before the file was looked at). File times advance in coarse steps, so a file changed
  /// twice in one step can keep its identity; a file whose times are that old cannot.
  public func settled(at time: Int64) -> Bool { max(modified, changed) < time - ReadSet.settling }

  /// The time now, in nanoseconds since 1970: the clock file times are taken from.
  public static func clock() -> Int64 {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return Int64(now.tv_sec) * 1_000_000_000 + Int64(now.tv_nsec)
  }
}

/// Everything a computation learnt from the file system: each path it looked at and what was
/// there (a file's identity, or nothing). While every one of them is unchanged, the
/// computation would learn the same again, so its result can be reused.
///
/// A computation records into the set bound to `ReadSet.current` (a task-local value, also seen
/// by synchronous code on the thread that bound it); every read of the store (`FileIO`, version
/// files, logs, directory listings, existence probes) records what it saw, and every write
/// marks the set as not reusable, as does anything a file cannot account for (the clock, files
/// outside the store). Without a bound set, recording costs a task-local lookup.
///
/// File times on Linux advance in coarse steps (a few milliseconds), so a file changed twice in
/// one step can keep its times and size. A path whose times lie within `settling` of the start
/// of the computation therefore makes the set not reusable: a later change can only give it a
/// newer time. This is git's answer to its "racy clean" index entries.
public final class ReadSet: @unchecked Sendable {
  // Mutable state is touched only under `lock`: a computation may record from child tasks.
  private let lock = NSLock()
  private var seen: [String: FileIdentity?] = [:]
  private var order: [String] = []
  private var expected: [(path: String, present: Bool)] = []
  private var refusal: String?
  private var wroteToStore = false
  private let started: Int64

  /// How long a file's times must lie in the past for a read of it to be reused.
  public static let settling: Int64 = 1_000_000_000

  @TaskLocal public static var current: ReadSet?

  public init() {
    started = FileIdentity.clock()
  }

  /// Whether the computation wrote to the store.
  public var wrote: Bool {
    lock.lock()
    defer { lock.unlock() }
    return wroteToStore
  }

  /// Why the result cannot be reused, or nil when it can.
  public var whyNotReusable: String? {
    lock.lock()
    defer { lock.unlock() }
    return refusal
  }

  /// What the computation saw, in the order first seen, once it is over; nil when its result
  /// cannot be reused (`whyNotReusable` says why).
  public func settle() -> [Observation]? {
    lock.lock()
    let expected = self.expected
    self.expected = []
    lock.unlock()
    for (path, present) in expected { check(path, present: present) }
    lock.lock()
    defer { lock.unlock() }
    guard refusal == nil else { return nil }
    return order.map { Observation(path: $0, identity: seen[$0]!) }
  }

  /// One path and what was there.
  public struct Observation: Equatable, Sendable {
    public let path: String
    public let identity: FileIdentity?

    /// Whether the path still holds what was seen.
    public var holds: Bool { FileIdentity.of(path) == identity }
  }

  func note(_ path: String, _ identity: FileIdentity?) {
    lock.lock()
    defer { lock.unlock() }
    guard refusal == nil else { return }
    if let earlier = seen[path] {
      if earlier != identity, refusal == nil { refusal = "\(path) changed while it was read" }
      return
    }
    seen[path] = identity
    order.append(path)
    if let identity, refusal == nil, max(identity.modified, identity.changed) > started - Self.settling {
      refusal = "\(path) changed less than a second ago"
    }
  }

  private func refuse(_ reason: String) {
    lock.lock()
    defer { lock.unlock() }
    if refusal == nil { refusal = reason }
  }

  /// Records what a `stat` of `path` found (nil: nothing there).
  static func saw(_ path: String, _ info: stat?) {
    guard let set = current else { return }
    set.note(path, info.map(FileIdentity.init))
  }

  /// Records the file open as `fd` (its identity now, before it is read).
  public static func opened(_ fd: Int32, path: String) {
    guard let set = current else { return }
    var info = stat()
    guard fstat(fd, &info) == 0 else { return set.refuse("\(path) could not be identified") }
    set.note(path, FileIdentity(info))
  }

  /// Records `path` as it is now (a folder about to be listed, say), and returns what is there.
  @discardableResult
  static func looked(at path: String) -> FileIdentity? {
    let identity = FileIdentity.of(path)
    current?.note(path, identity)
    return identity
  }

  /// Notes that the computation found `path` there (or not). It is looked at when the
  /// computation is over (`settle`), not now: a computation that writes is not reused anyway,
  /// and need not pay for the look. If it has changed by then, the computation saw the store in
  /// the middle of a change.
  public func expect(_ path: String, present: Bool) {
    lock.lock()
    defer { lock.unlock() }
    if refusal == nil { expected.append((path, present)) }
  }

  private func check(_ path: String, present: Bool) {
    lock.lock()
    let earlier = seen[path]
    lock.unlock()
    let identity = earlier ?? FileIdentity.of(path)
    if earlier == nil { note(path, identity) }
    if (identity != nil) != present { refuse("\(path) changed while it was read") }
  }

  /// Marks the computation as one that changes the store: its result must not stand in for
  /// running it again.
  public static func wrote(_ path: String) {
    guard let set = current else { return }
    set.refuse("it writes \(path)")
    set.lock.lock()
    set.wroteToStore = true
    set.lock.unlock()
  }

  /// Marks the computation as depending on something no file accounts for.
  public static func dependsOn(_ what: String) {
    current?.refuse("it depends on \(what)")
  }
}
