import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// What reads the lines of one stretch of a file (see `LineScan`): made empty, handed each
/// complete line in order, then returned to be combined, stretch by stretch, in file order.
public protocol StretchReader: Sendable {
  init()
  /// One line: its bytes without the newline, and the offset in the file where it starts.
  mutating func line(_ bytes: UnsafeRawBufferPointer, at offset: Int)
}

/// Reads the lines of a large file (a log of a million metric points) in stretches, one per
/// processor, each through a buffer of its own: no copy of the whole file in memory, and the
/// parsing on every core. A last line without a newline (an append a crash cut short) is left
/// out, as `EventLog.read` leaves it. What was read is recorded in the bound `ReadSet` as
/// `FileIO.read` records it.
public enum LineScan {
  /// The first line of the file at `path` (nil when it has no complete line), and a scanner per
  /// stretch of the lines after it, in file order.
  public static func scan<Scanner: StretchReader>(_ path: String, as: Scanner.Type) throws(StoreError) -> (first: [UInt8]?, parts: [Scanner]) {
    try scan(path) { Scanner() }
  }

  /// As `scan(_:as:)`, each stretch's scanner made by `make` (a scanner that needs to know what
  /// to look for).
  public static func scan<Scanner: StretchReader>(_ path: String, make: @Sendable () -> Scanner) throws(StoreError) -> (
    first: [UInt8]?, parts: [Scanner]
  ) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT {
        _ = FileIO.identity(of: path)
        throw StoreError.notFound(what: path, hint: "")
      }
      throw FileIO.failure(path, "open")
    }
    defer { close(fd) }
    ReadSet.opened(fd, path: path)
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIO.failure(path, "stat") }
    let size = Int(info.st_size)
    guard let headerEnd = try nextLineStart(fd, from: 0, size: size, path: path) else { return (nil, []) }
    let first = try readRange(fd, 0..<(headerEnd - 1), path: path)
    // Stretches of about equal size, each starting where a line starts.
    let count = max(1, min(ProcessInfo.processInfo.activeProcessorCount, (size - headerEnd) >> 22))
    var bounds = [headerEnd]
    for i in 1..<count {
      let target = headerEnd + (size - headerEnd) / count * i
      let start = try nextLineStart(fd, from: max(target, bounds.last!) - 1, size: size, path: path) ?? size
      bounds.append(max(start, bounds.last!))
    }
    bounds.append(size)
    let stretches = zip(bounds, bounds.dropFirst()).map { $0..<$1 }
    if count == 1 { return (first, [try scanStretch(fd, stretches[0], path: path, make: make)]) }
    let results = Results<Scanner>(count: count)
    DispatchQueue.concurrentPerform(iterations: count) { part in
      results.set(part, Result { () throws(StoreError) -> Scanner in try scanStretch(fd, stretches[part], path: path, make: make) })
    }
    return (first, try results.all())
  }

  /// The number of the line that starts at `offset` (1 for the first), counted afresh: for a
  /// message about one line, not for every line.
  public static func lineNumber(_ path: String, at offset: Int) -> Int {
    guard let bytes = try? ReadSet.$current.withValue(nil, operation: { () throws -> [UInt8] in try FileIO.read(path) }) else { return 0 }
    return 1 + bytes.prefix(offset).reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
  }

  private static func scanStretch<Scanner: StretchReader>(
    _ fd: Int32, _ range: Range<Int>, path: String, make: () -> Scanner
  ) throws(StoreError) -> Scanner {
    var scanner = make()
    // A log of a few points (most runs) is read whole, without a megabyte to clear.
    var buffer = [UInt8](repeating: 0, count: max(1, min(1 << 20, range.count)))
    var kept = 0  // bytes of a line begun in the last read, at the start of the buffer
    var position = range.lowerBound
    while position < range.upperBound {
      if kept == buffer.count { buffer += [UInt8](repeating: 0, count: buffer.count) }
      let wanted = min(buffer.count - kept, range.upperBound - position)
      let got = try readInto(fd, &buffer, at: kept, count: wanted, offset: position, path: path)
      guard got > 0 else { break }
      let filled = kept + got
      let base = position - kept
      position += got
      let consumed = buffer.withUnsafeBytes { raw -> Int in
        var start = 0
        while start < filled, let found = memchr(raw.baseAddress! + start, 0x0A, filled - start) {
          let newline = raw.baseAddress!.distance(to: UnsafeRawPointer(found))
          scanner.line(UnsafeRawBufferPointer(rebasing: raw[start..<newline]), at: base + start)
          start = newline + 1
        }
        return start
      }
      kept = filled - consumed
      if kept > 0, consumed > 0 {
        buffer.withUnsafeMutableBytes { raw in _ = memmove(raw.baseAddress!, raw.baseAddress! + consumed, kept) }
      }
    }
    return scanner
  }

  /// Where the line after the one that holds `offset` starts, nil when no newline follows.
  private static func nextLineStart(_ fd: Int32, from offset: Int, size: Int, path: String) throws(StoreError) -> Int? {
    var position = offset
    var window = [UInt8](repeating: 0, count: 4096)
    while position < size {
      let got = try readInto(fd, &window, at: 0, count: min(window.count, size - position), offset: position, path: path)
      guard got > 0 else { return nil }
      if let newline = window.prefix(got).firstIndex(of: 0x0A) { return position + newline + 1 }
      position += got
    }
    return nil
  }

  private static func readRange(_ fd: Int32, _ range: Range<Int>, path: String) throws(StoreError) -> [UInt8] {
    var bytes = [UInt8](repeating: 0, count: range.count)
    var done = 0
    while done < range.count {
      let got = try readInto(fd, &bytes, at: done, count: range.count - done, offset: range.lowerBound + done, path: path)
      guard got > 0 else { break }
      done += got
    }
    return Array(bytes.prefix(done))
  }

  private static func readInto(_ fd: Int32, _ buffer: inout [UInt8], at index: Int, count: Int, offset: Int, path: String) throws(StoreError)
    -> Int
  {
    while true {
      let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + index, count, off_t(offset)) }
      if got >= 0 { return got }
      if errno != EINTR { throw FileIO.failure(path, "read") }
    }
  }
}

/// The stretches' results, each set once by the thread that read it.
private final class Results<Scanner: StretchReader>: @unchecked Sendable {
  // `slots` is touched only under `lock`.
  private let lock = NSLock()
  private var slots: [Result<Scanner, StoreError>?]

  init(count: Int) { slots = Array(repeating: nil, count: count) }

  func set(_ index: Int, _ result: Result<Scanner, StoreError>) {
    lock.lock()
    defer { lock.unlock() }
    slots[index] = result
  }

  func all() throws(StoreError) -> [Scanner] {
    lock.lock()
    defer { lock.unlock() }
    return try slots.map { slot throws(StoreError) in try slot!.get() }
  }
}
