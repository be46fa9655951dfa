import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One event of an append-only log.
public struct LogEvent: Sendable, Equatable {
  /// 1, 2, 3, … in file order; never reused.
  public let seq: Int
  public let author: String
  public let role: String
  public let time: Date
  public let body: JSONValue

  public init(seq: Int, author: String, role: String, time: Date, body: JSONValue) {
    self.seq = seq
    self.author = author
    self.role = role
    self.time = time
    self.body = body
  }

  /// The event as its stored JSON object.
  public var json: JSONValue {
    .object([
      "seq": .int(seq), "author": .string(author), "role": .string(role),
      "time": .string(Timestamp.format(time)), "body": body,
    ])
  }

  init(json: JSONValue, file: String, line: Int) throws(StoreError) {
    guard case .object(let fields) = json, let seq = fields["seq"]?.intValue, seq >= 1,
      let author = fields["author"]?.stringValue, let role = fields["role"]?.stringValue,
      let timeText = fields["time"]?.stringValue, let time = Timestamp.parse(timeText),
      let body = fields["body"]
    else {
      throw .corrupt(file: file, reason: "line \(line) is not an event (seq, author, role, time, body)")
    }
    self.init(seq: seq, author: author, role: role, time: time, body: body)
  }
}

/// What a writer supplies for an event; the log adds the sequence number.
public struct EventDraft: Sendable {
  public var author: String
  public var role: String
  public var time: Date
  public var body: JSONValue

  public init(author: String, role: String, time: Date, body: JSONValue) {
    self.author = author
    self.role = role
    self.time = time
    self.body = body
  }
}

/// The readable content of a log.
public struct LogContents: Sendable {
  public var events: [LogEvent]
  /// Bytes after the last complete line: an append that a crash cut short. It was never
  /// acknowledged (acknowledgement follows the fsync of a whole line), so it is not data.
  public var tornBytes: Int
  /// The schema version in the header (0 for an empty file).
  public var schemaVersion: Int
}

/// An append-only JSON Lines log: a header line `{"kind":…,"schemaVersion":…}`, then one
/// self-contained event per line.
///
/// Appends take an exclusive `flock` on the file, write all their lines with one `write()`, and
/// fsync before returning, so an append that returned is durable and a crash leaves at worst a
/// torn last line. An append that finds a torn tail truncates it first (it was never
/// acknowledged), so a new line is never glued to a fragment. Readers skip a torn tail.
public struct EventLog: Sendable {
  public let path: String
  public let kind: String
  public let schemaVersion: Int

  public init(path: String, kind: String, schemaVersion: Int) {
    self.path = path
    self.kind = kind
    self.schemaVersion = schemaVersion
  }

  private var header: [UInt8] {
    JSONValue.object(["kind": .string(kind), "schemaVersion": .int(schemaVersion)]).canonicalBytes(pretty: false)
      + [0x0A]
  }

  /// Appends one event; durable when this returns.
  @discardableResult
  public func append(_ draft: EventDraft) throws(StoreError) -> LogEvent {
    try append(batch: [draft])[0]
  }

  /// Appends many events with one write and one fsync; all are durable when this returns.
  /// Appends to the same log from other threads at the same moment share the write and the
  /// fsync (see `GroupCommit`).
  @discardableResult
  public func append(batch drafts: [EventDraft]) throws(StoreError) -> [LogEvent] {
    guard !drafts.isEmpty else { return [] }
    ReadSet.wrote(path)
    return try GroupCommit.shared.append(drafts, to: self)
  }

  /// Appends now, under the lock, with one write and one fsync.
  func appendNow(_ drafts: [EventDraft]) throws(StoreError) -> [LogEvent] {
    do { return try append(afterLast: { _ in drafts }) } catch let error as StoreError { throw error } catch {
      throw StoreError.io(path: path, operation: "append to", reason: "\(error)")
    }
  }

  /// Appends the events `make` returns given the log's last event (nil when it has none), with
  /// one write and one fsync, all under the log's lock: an event that carries state derived from
  /// the one before it (a running position) cannot be raced by another appender. An error thrown
  /// by `make` appends nothing and is rethrown.
  @discardableResult
  public func append(afterLast make: (LogEvent?) throws -> [EventDraft]) throws -> [LogEvent] {
    ReadSet.wrote(path)
    let folder = FileIO.parentPath(path)
    // The log exists nearly always: open it, and only when it does not, make its folders.
    let (fd, existed) = try openLocked(folder: folder)
    defer {
      flock(fd, LOCK_UN)
      close(fd)
    }

    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIO.failure(path, "stat") }
    let (end, last) = try validEnd(fd, size: Int(info.st_size))
    let lastSeq = last?.seq ?? 0
    let drafts: [EventDraft]
    do { drafts = try make(last) } catch {
      if !existed { unlink(path) }  // leave no trace of a refused first append
      throw error
    }
    guard !drafts.isEmpty else { return [] }
    if end < Int(info.st_size) {
      guard ftruncate(fd, off_t(end)) == 0 else { throw FileIO.failure(path, "truncate the torn tail of") }
    }
    var bytes: [UInt8] = end == 0 ? header : []
    var events: [LogEvent] = []
    events.reserveCapacity(drafts.count)
    for (offset, draft) in drafts.enumerated() {
      let event = LogEvent(
        seq: lastSeq + offset + 1, author: draft.author, role: draft.role, time: draft.time, body: draft.body)
      bytes.append(contentsOf: event.json.canonicalBytes(pretty: false))
      bytes.append(0x0A)
      events.append(event)
    }
    guard lseek(fd, off_t(end), SEEK_SET) >= 0 else { throw FileIO.failure(path, "seek") }
    try FileIO.writeAll(fd, bytes, path: path)
    guard fsync(fd) == 0 else { throw FileIO.failure(path, "fsync") }
    if !existed { try FileIO.syncDirectory(folder) }
    return events
  }

  /// Opens the log (creating it and its folders when absent) and takes its lock. If the file was
  /// replaced while we waited for the lock (`removeEvents` rewrites a log by renaming a new file
  /// over it), the lock is on a file nobody reads any more: open again.
  private func openLocked(folder: String) throws(StoreError) -> (Int32, existed: Bool) {
    while true {
      var existed = true
      var fd = open(path, O_RDWR | O_CLOEXEC)
      if fd < 0, errno == ENOENT {
        try FileIO.makeDirectories(folder)
        existed = FileIO.exists(path)
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      }
      guard fd >= 0 else { throw FileIO.failure(path, "open") }
      while flock(fd, LOCK_EX) != 0 {
        if errno != EINTR {
          close(fd)
          throw FileIO.failure(path, "lock")
        }
      }
      var held = stat()
      var named = stat()
      if fstat(fd, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino, held.st_dev == named.st_dev {
        return (fd, existed)
      }
      flock(fd, LOCK_UN)
      close(fd)
    }
  }

  /// Removes the events `remove` picks, under the log's lock, by writing the rest to a new file
  /// and renaming it over the log (atomic: a reader sees the old log or the new one). Sequence
  /// numbers keep their gaps. Returns how many were removed. For repairs (`mlw fsck --repair`).
  @discardableResult
  public func removeEvents(where remove: (LogEvent) -> Bool) throws(StoreError) -> Int {
    ReadSet.wrote(path)
    let folder = FileIO.parentPath(path)
    guard FileIO.exists(path) else { return 0 }
    let (fd, _) = try openLocked(folder: folder)
    defer {
      flock(fd, LOCK_UN)
      close(fd)
    }
    let bytes = try FileIO.read(path)
    var kept: [UInt8] = []
    kept.reserveCapacity(bytes.count)
    var removed = 0
    var start = 0
    var line = 0
    while let newline = bytes[start...].firstIndex(of: 0x0A) {
      line += 1
      let text = bytes[start..<newline]
      defer { start = newline + 1 }
      if line > 1 {
        let json: JSONValue
        do { json = try JSONValue.parse(text) } catch {
          throw StoreError.corrupt(file: path, reason: "line \(line) is not JSON (\(error))")
        }
        if remove(try LogEvent(json: json, file: path, line: line)) {
          removed += 1
          continue
        }
      }
      kept += text
      kept.append(0x0A)
    }
    guard removed > 0 else { return 0 }
    try FileIO.replace(kept, at: path)
    return removed
  }

  /// The length of the file up to its last complete line, and the event on that line (nil when
  /// there are no events). Checks the header on the way.
  private func validEnd(_ fd: Int32, size: Int) throws(StoreError) -> (Int, LogEvent?) {
    guard size > 0 else { return (0, nil) }
    // Read backwards until the last complete line and the newline before it are in view.
    var chunk = 1024
    var tail: [UInt8] = []
    var start = size
    while true {
      start = max(0, size - chunk)
      let wanted = size - start
      var got = 0
      tail = [UInt8](unsafeUninitializedCapacity: wanted) { buffer, count in
        got = pread(fd, buffer.baseAddress!, wanted, off_t(start))
        count = max(0, got)
      }
      guard got == wanted else { throw FileIO.failure(path, "read") }
      if start == 0 { break }
      if let last = tail.lastIndex(of: 0x0A), tail[..<last].lastIndex(of: 0x0A) != nil { break }
      chunk *= 4
    }
    guard let lastNewline = tail.lastIndex(of: 0x0A) else { return (0, nil) }  // only a torn header
    let end = start + lastNewline + 1
    let lineStart = tail[..<lastNewline].lastIndex(of: 0x0A).map { $0 + 1 } ?? 0
    let lineNumber = start == 0 ? tail[..<lineStart].filter { $0 == 0x0A }.count + 1 : 0
    let line = tail[lineStart..<lastNewline]
    let json: JSONValue
    do { json = try JSONValue.parse(line) } catch {
      throw StoreError.corrupt(file: path, reason: "its last line is not JSON (\(error))")
    }
    if start + lineStart == 0 {
      try checkHeader(json)
      return (end, nil)
    }
    try checkHeader(try readHeader(fd))
    return (end, try LogEvent(json: json, file: path, line: lineNumber))
  }

  private func readHeader(_ fd: Int32) throws(StoreError) -> JSONValue {
    var buffer = [UInt8](repeating: 0, count: 512)
    let got = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, 512, 0) }
    guard got > 0, let newline = buffer[..<got].firstIndex(of: 0x0A) else {
      throw StoreError.corrupt(file: path, reason: "line 1 is not a log header")
    }
    do { return try JSONValue.parse(buffer[..<newline]) } catch {
      throw StoreError.corrupt(file: path, reason: "line 1 is not a log header (\(error))")
    }
  }

  private func checkHeader(_ json: JSONValue) throws(StoreError) {
    guard let found = json["kind"]?.stringValue, let version = json["schemaVersion"]?.intValue, json["seq"] == nil
    else { throw StoreError.corrupt(file: path, reason: "line 1 is not a log header {\"kind\", \"schemaVersion\"}") }
    guard found == kind else { throw StoreError.wrongKind(file: path, expected: kind, found: found) }
    guard version <= schemaVersion else {
      throw StoreError.newerSchema(file: path, kind: kind, found: version, known: schemaVersion)
    }
  }

  /// Every event in the log. An absent file is an empty log; a torn tail is skipped and counted;
  /// any other unreadable line is an error that names the file and line.
  public func read() throws(StoreError) -> LogContents {
    let bytes: [UInt8]
    do { bytes = try FileIO.read(path) } catch StoreError.notFound {
      return LogContents(events: [], tornBytes: 0, schemaVersion: 0)
    }
    return try bytes.withUnsafeBufferPointer { buffer throws(StoreError) -> LogContents in
      var events: [LogEvent] = []
      var lineStart = 0
      var lineNumber = 0
      var version = 0
      var index = 0
      while let newline = memchrIndex(buffer, from: index) {
        lineNumber += 1
        let line = UnsafeBufferPointer(rebasing: buffer[lineStart..<newline])
        let json: JSONValue
        do throws(JSONSyntaxError) { json = try JSONValue.parse(line) } catch {
          throw StoreError.corrupt(file: path, reason: "line \(lineNumber) is not JSON (\(error.reason))")
        }
        if lineNumber == 1 {
          try checkHeader(json)
          version = json["schemaVersion"]?.intValue ?? 0
        } else {
          let event = try LogEvent(json: json, file: path, line: lineNumber)
          if let previous = events.last, event.seq <= previous.seq {
            throw StoreError.corrupt(file: path, reason: "line \(lineNumber) has seq \(event.seq) after \(previous.seq)")
          }
          events.append(event)
        }
        lineStart = newline + 1
        index = lineStart
      }
      return LogContents(events: events, tornBytes: buffer.count - lineStart, schemaVersion: version)
    }
  }

  /// The events among the last `maxBytes` of the log, oldest first: a cheap look at what
  /// happened last without reading a long log whole. `complete` is true when the window reached
  /// the start of the file, so nothing older exists.
  public func readTail(maxBytes: Int) throws(StoreError) -> (events: [LogEvent], complete: Bool) {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      if errno == ENOENT {
        ReadSet.saw(path, nil)
        return ([], true)
      }
      throw FileIO.failure(path, "open")
    }
    defer { close(fd) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIO.failure(path, "stat") }
    ReadSet.saw(path, info)
    let size = Int(info.st_size)
    if size <= maxBytes { return (try read().events, true) }
    var window = [UInt8](repeating: 0, count: maxBytes)
    let got = window.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, maxBytes, off_t(size - maxBytes)) }
    guard got == maxBytes else { throw FileIO.failure(path, "read") }
    var events: [LogEvent] = []
    // The window's first line is cut at an unknown place; skip up to its newline.
    guard var lineStart = window.firstIndex(of: 0x0A).map({ $0 + 1 }) else { return ([], false) }
    while let newline = window[lineStart...].firstIndex(of: 0x0A) {
      if let json = try? JSONValue.parse(window[lineStart..<newline]) {
        events.append(try LogEvent(json: json, file: path, line: 0))
      } else {
        throw StoreError.corrupt(file: path, reason: "a line near its end is not JSON")
      }
      lineStart = newline + 1
    }
    return (events, false)
  }

  /// Truncates a torn tail (an append a crash cut short). Returns the bytes removed.
  public func repairTornTail() throws(StoreError) -> Int {
    ReadSet.wrote(path)
    let fd = open(path, O_RDWR | O_CLOEXEC)
    guard fd >= 0 else { throw FileIO.failure(path, "open") }
    defer { close(fd) }
    guard flock(fd, LOCK_EX) == 0 else { throw FileIO.failure(path, "lock") }
    defer { flock(fd, LOCK_UN) }
    var info = stat()
    guard fstat(fd, &info) == 0 else { throw FileIO.failure(path, "stat") }
    let (end, _) = try validEnd(fd, size: Int(info.st_size))
    let removed = Int(info.st_size) - end
    if removed > 0 {
      guard ftruncate(fd, off_t(end)) == 0, fsync(fd) == 0 else { throw FileIO.failure(path, "truncate") }
    }
    return removed
  }

  /// The latest event for each key (a re-submitted label replaces the earlier one, which stays in
  /// the file as history). Events whose key is nil are left out.
  public static func latest(_ events: [LogEvent], key: (LogEvent) -> String?) -> [String: LogEvent] {
    var result: [String: LogEvent] = [:]
    for event in events {
      if let k = key(event) { result[k] = event }
    }
    return result
  }
}

private func memchrIndex(_ buffer: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
  guard start < buffer.count, let base = buffer.baseAddress else { return nil }
  guard let found = memchr(base + start, 0x0A, buffer.count - start) else { return nil }
  return base.distance(to: found.assumingMemoryBound(to: UInt8.self))
}
