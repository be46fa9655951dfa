#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Thin, throwing wrappers over the POSIX calls the store's durability rests on.
///
/// Foundation's file APIs neither fsync nor expose `link()` with its fail-if-exists semantics,
/// which the atomic publish needs, so the store speaks to the kernel directly.
public enum FileIO {
  static func failure(_ path: String, _ operation: String, _ code: Int32 = errno) -> StoreError {
    .io(path: path, operation: operation, reason: String(cString: strerror(code)))
  }

  /// Whether anything exists at `path`.
  public static func exists(_ path: String) -> Bool {
    var info = stat()
    let found = stat(path, &info) == 0
    ReadSet.saw(path, found ? info : nil)
    return found
  }

  /// Whether `path` is a directory.
  public static func isDirectory(_ path: String) -> Bool {
    var info = stat()
    let found = stat(path, &info) == 0
    ReadSet.saw(path, found ? info : nil)
    return found && (info.st_mode & S_IFMT) == S_IFDIR
  }

  /// The identity of what is at `path`, nil when nothing is (recorded in the bound `ReadSet`).
  public static func identity(of path: String) -> FileIdentity? {
    var info = stat()
    let found = stat(path, &info) == 0
    ReadSet.saw(path, found ? info : nil)
    return found ? FileIdentity(info) : nil
  }

  /// The size of the file at `path` in bytes.
  public static func size(_ path: String) throws(StoreError) -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else {
      ReadSet.saw(path, nil)
      throw failure(path, "stat")
    }
    ReadSet.saw(path, info)
    return Int(info.st_size)
  }

  /// The whole content of a file.
  /// The most `read` takes from a file that is not a regular file.
  public static let unboundedLimit = 256 << 20

  public static func read(_ path: String) throws(StoreError) -> [UInt8] {
    // Opened without waiting (a FIFO nobody writes to would block the open for ever), then read
    // as usual: a FIFO or pipe with a writer is read to its end, one without reads as empty.
    let fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard fd >= 0 else {
      if errno == ENOENT {
        ReadSet.saw(path, nil)
        throw StoreError.notFound(what: path, hint: "")
      }
      throw failure(path, "open")
    }
    defer { close(fd) }
    _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK)
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw failure(path, "stat") }
    ReadSet.saw(path, info)
    // One byte more than the file holds, so that the read that finds its end needs no room:
    // sized at the file exactly, a whole file filled the buffer and doubled it before the end
    // was seen (a 120 MB window briefly took 240 MB).
    var capacity = max(Int(info.st_size) + 1, 4096)
    var bytes = [UInt8](repeating: 0, count: capacity)
    var filled = 0
    // A file that is not a regular file (a device, a pipe) can have no end: read at most
    // `unboundedLimit` of it.
    let regular = info.st_mode & S_IFMT == S_IFREG
    while true {
      if !regular, filled >= unboundedLimit {
        throw StoreError.io(
          path: path, operation: "read", reason: "it is not a regular file and gave \(unboundedLimit >> 20) MiB or more; save it to a file")
      }
      if filled == capacity {
        capacity *= 2
        bytes.append(contentsOf: [UInt8](repeating: 0, count: capacity - bytes.count))
      }
      let got = bytes.withUnsafeMutableBytes { buffer in
        Glibc.read(fd, buffer.baseAddress! + filled, capacity - filled)
      }
      if got < 0 {
        if errno == EINTR { continue }
        throw failure(path, "read")
      }
      if got == 0 { break }
      filled += got
    }
    bytes.removeSubrange(filled...)
    return bytes
  }

  /// Names in a directory (without `.` and `..`); an absent directory has none.
  public static func list(_ path: String) throws(StoreError) -> [String] {
    ReadSet.looked(at: path)
    guard let dir = opendir(path) else {
      if errno == ENOENT || errno == ENOTDIR { return [] }
      throw failure(path, "list")
    }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// How many entries of a directory satisfy `include`; an absent directory has none.
  public static func count(_ path: String, where include: (String) -> Bool) throws(StoreError) -> Int {
    ReadSet.looked(at: path)
    guard let dir = opendir(path) else {
      if errno == ENOENT || errno == ENOTDIR { return 0 }
      throw failure(path, "list")
    }
    defer { closedir(dir) }
    var total = 0
    while let entry = readdir(dir) {
      let name = withUnsafePointer(to: entry.pointee.d_name) { pointer in
        pointer.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
      }
      if name != "." && name != "..", include(name) { total += 1 }
    }
    return total
  }

  /// Creates `path` and any missing parents, fsyncing each parent whose entries changed so that
  /// the new folders survive a crash.
  public static func makeDirectories(_ path: String) throws(StoreError) {
    if isDirectory(path) { return }
    ReadSet.wrote(path)
    let parent = parentPath(path)
    if parent != path, !parent.isEmpty { try makeDirectories(parent) }
    if mkdir(path, 0o755) != 0 {
      if errno == EEXIST, isDirectory(path) { return }
      throw failure(path, "create folder")
    }
    try syncDirectory(parent.isEmpty ? "." : parent)
  }

  /// fsyncs a directory so that links and unlinks in it are durable.
  public static func syncDirectory(_ path: String) throws(StoreError) {
    let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { throw failure(path, "open folder") }
    defer { close(fd) }
    guard fsync(fd) == 0 else { throw failure(path, "fsync folder") }
  }

  /// Writes all of `bytes` to `fd`, retrying short writes and EINTR.
  public static func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws(StoreError) {
    var written = 0
    while written < bytes.count {
      let n = bytes.withUnsafeBytes { buffer in
        Glibc.write(fd, buffer.baseAddress! + written, bytes.count - written)
      }
      if n < 0 {
        if errno == EINTR { continue }
        throw failure(path, "write")
      }
      written += n
    }
  }

  /// Publishes `bytes` as a new file at `path`, atomically and only if `path` does not exist:
  /// write a temp file in the same folder, fsync it, `link()` it to `path` (which fails if `path`
  /// exists), unlink the temp, fsync the folder. A reader never sees a partial file, and a crash
  /// at any instant leaves either no file at `path` or the complete one.
  ///
  /// Returns false when `path` exists already (someone else published first).
  public static func publishExclusive(_ bytes: [UInt8], at path: String) throws(StoreError) -> Bool {
    ReadSet.wrote(path)
    let folder = parentPath(path)
    let temp = try writeTemp(bytes, in: folder)
    let linked = link(temp, path)
    let linkErrno = errno
    unlink(temp)
    if linked != 0 {
      if linkErrno == EEXIST { return false }
      throw failure(path, "publish", linkErrno)
    }
    try syncDirectory(folder)
    return true
  }

  /// Writes `bytes` to `path`, replacing any file there, atomically: a temp file in the same
  /// folder, fsync, `rename()`, fsync of the folder. For outputs a person asked for (an export);
  /// stored records use `publishExclusive`, which never replaces.
  public static func replace(_ bytes: [UInt8], at path: String) throws(StoreError) {
    ReadSet.wrote(path)
    let folder = parentPath(path)
    let temp = try writeTemp(bytes, in: folder)
    guard rename(temp, path) == 0 else {
      let code = errno
      unlink(temp)
      throw failure(path, "replace", code)
    }
    try syncDirectory(folder)
  }

  /// Writes `bytes` to a new temp file in `folder` and fsyncs it; its path. On failure the temp
  /// file is gone.
  private static func writeTemp(_ bytes: [UInt8], in folder: String) throws(StoreError) -> String {
    let temp = "\(folder)/\(tempPrefix)\(getpid())-\(UInt64.random(in: 0...UInt64.max))"
    let fd = open(temp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw failure(temp, "create") }
    do throws(StoreError) {
      try writeAll(fd, bytes, path: temp)
      guard fsync(fd) == 0 else { throw failure(temp, "fsync") }
    } catch {
      close(fd)
      unlink(temp)
      throw error
    }
    close(fd)
    return temp
  }

  /// The prefix of the temp files `publishExclusive` and `replace` write; fsck recognises strays
  /// by it.
  public static let tempPrefix = ".tmp-"

  /// The folder part of a path (`a/b/c` → `a/b`).
  public static func parentPath(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// Whether a process with this id is alive (a temp file's writer may still be working).
  public static func processIsAlive(_ pid: Int32) -> Bool {
    kill(pid, 0) == 0 || errno == EPERM
  }
}

/// A mark that a process is in the middle of a write spanning several files (an import), so
/// that `fsck --repair` leaves what it has written so far alone: an empty file
/// `<folder>/.tmp-<pid>-<what>`, removed when the write ends. A mark whose process is gone is a
/// stray temp file (fsck removes it).
public final class WorkInProgress {
  public let path: String
  private var ended = false

  public init(in folder: String, _ what: String) throws(StoreError) {
    try FileIO.makeDirectories(folder)
    path = "\(folder)/\(FileIO.tempPrefix)\(getpid())-\(what)"
    let fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw FileIO.failure(path, "create") }
    close(fd)
  }

  /// Removes the mark (the write is over, done or failed).
  public func end() {
    guard !ended else { return }
    ended = true
    unlink(path)
  }

  deinit { end() }

  /// Whether a live process marked `what` in `folder`.
  public static func isMarked(in folder: String, _ what: String) -> Bool {
    let suffix = "-" + what
    return ((try? FileIO.list(folder)) ?? []).contains { name in
      guard name.hasPrefix(FileIO.tempPrefix), name.hasSuffix(suffix) else { return false }
      let pid = name.dropFirst(FileIO.tempPrefix.count).split(separator: "-").first.flatMap { Int32($0) }
      return pid.map(FileIO.processIsAlive) ?? false
    }
  }
}

extension FileIO {
  /// Removes a file; true when it is gone.
  static func removeFile(_ path: String) -> Bool {
    ReadSet.wrote(path)
    return unlink(path) == 0 || errno == ENOENT
  }
}

/// A folder held open for many `stat`s of what is in it: a lookup relative to it skips the walk
/// from the root (a quarter of a `stat`'s cost on a deep tree). What it finds is recorded in the
/// `ReadSet` bound when it was opened, as `FileIO.identity(of:)` records.
public final class OpenFolder {
  public let path: String
  private let fd: Int32
  private let reads: ReadSet?

  /// Opens `path`; a folder that cannot be opened (absent, say) is looked into by full paths.
  public init(_ path: String) {
    self.path = path
    fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    reads = ReadSet.current
  }

  deinit { if fd >= 0 { close(fd) } }

  /// The identity of what is at `name` (a relative path) in the folder, nil when nothing is.
  public func identity(of name: String) -> FileIdentity? {
    var info = stat()
    let found = fd >= 0 ? fstatat(fd, name, &info, 0) == 0 : stat(path + "/" + name, &info) == 0
    let identity = found ? FileIdentity(info) : nil
    reads?.note(path + "/" + name, identity)
    return identity
  }
}
