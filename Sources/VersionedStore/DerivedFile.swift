#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A file derived from stored records (an index): never the truth, only a faster way to the
/// answer the records give. Whoever reads one checks that what it was derived from is unchanged
/// (see `FileIdentity.settled(at:)`) and derives afresh what is not; a missing, damaged or older
/// file is derived again from the records, never an error.
///
/// Layout: a header line `{"kind":…,"schemaVersion":…}` (as a log's), the payload, then 16 bytes:
/// the payload's length and a 64-bit checksum of the header and payload (little-endian). A file
/// cut short or changed by hand fails the check and reads as absent. It is written like every
/// store write (temp file, fsync, rename, fsync of the folder), so a reader sees the old file or
/// the new one.
///
/// Neither reading nor writing one is recorded in a `ReadSet`: an answer built with it depends on
/// the records, whose identities the reader records as it checks them, not on the file.
public enum DerivedFile {
  /// The whole file at `path` if it is intact and of `kind` at `schemaVersion`, with the range
  /// of its payload; nil otherwise.
  public static func read(_ path: String, kind: String, schemaVersion: Int) -> (bytes: [UInt8], payload: Range<Int>)? {
    let bytes: [UInt8]
    do {
      bytes = try ReadSet.$current.withValue(nil) { () throws(StoreError) -> [UInt8] in try FileIO.read(path) }
    } catch {
      return nil
    }
    let header = Array(headerLine(kind: kind, schemaVersion: schemaVersion).utf8)
    guard bytes.count >= header.count + 16, bytes.starts(with: header) else { return nil }
    let end = bytes.count - 16
    let (length, sum) = bytes.withUnsafeBytes { raw in
      (raw.loadUnaligned(fromByteOffset: end, as: UInt64.self).littleEndian, raw.loadUnaligned(fromByteOffset: end + 8, as: UInt64.self).littleEndian)
    }
    guard length == UInt64(end - header.count), checksum(bytes[..<end]) == sum else { return nil }
    return (bytes, header.count..<end)
  }

  /// Writes `payload` to `path` atomically, creating its folder. Returns false when it could not
  /// (a read-only tree, a full disk): the file is only ever a shortcut, so a caller goes on
  /// without it.
  @discardableResult
  public static func write(_ payload: [UInt8], to path: String, kind: String, schemaVersion: Int) -> Bool {
    var bytes = Array(headerLine(kind: kind, schemaVersion: schemaVersion).utf8)
    bytes.reserveCapacity(bytes.count + payload.count + 16)
    bytes += payload
    let sum = checksum(bytes[...])
    withUnsafeBytes(of: UInt64(payload.count).littleEndian) { bytes += $0 }
    withUnsafeBytes(of: sum.littleEndian) { bytes += $0 }
    return ReadSet.$current.withValue(nil) {
      do throws(StoreError) {
        try FileIO.makeDirectories(FileIO.parentPath(path))
        try FileIO.replace(bytes, at: path)
        return true
      } catch {
        return false
      }
    }
  }

  /// Removes the file at `path`, if any.
  public static func remove(_ path: String) {
    ReadSet.$current.withValue(nil) { _ = FileIO.removeFile(path) }
  }

  static func headerLine(kind: String, schemaVersion: Int) -> String {
    JSONValue.object(["kind": .string(kind), "schemaVersion": .int(schemaVersion)]).canonicalString(pretty: false) + "\n"
  }

  /// A 64-bit checksum (FNV-1a over 8-byte words, then the tail bytes): catches a file cut short
  /// or edited, at memory speed; not a defence against someone who means it (they can edit the
  /// records themselves).
  static func checksum(_ bytes: ArraySlice<UInt8>) -> UInt64 {
    bytes.withUnsafeBytes { raw in
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      let words = raw.count / 8
      for i in 0..<words {
        hash = (hash ^ raw.loadUnaligned(fromByteOffset: i * 8, as: UInt64.self)) &* 0x0000_0100_0000_01b3
        hash ^= hash >> 29
      }
      for i in (words * 8)..<raw.count { hash = (hash ^ UInt64(raw[i])) &* 0x0000_0100_0000_01b3 }
      return hash
    }
  }
}

/// Builds a derived file's payload: fixed-width little-endian numbers and length-prefixed text.
public struct ByteWriter {
  public private(set) var bytes: [UInt8] = []

  public init() {}

  public mutating func u8(_ value: UInt8) { bytes.append(value) }
  public mutating func bool(_ value: Bool) { bytes.append(value ? 1 : 0) }
  public mutating func u32(_ value: UInt32) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
  public mutating func i32(_ value: Int32) { u32(UInt32(bitPattern: value)) }
  public mutating func i64(_ value: Int64) { withUnsafeBytes(of: value.littleEndian) { bytes += $0 } }
  public mutating func int(_ value: Int) { i64(Int64(value)) }
  public mutating func f64(_ value: Double) { i64(Int64(bitPattern: value.bitPattern)) }

  /// Bytes as they are (a part written before, copied).
  public mutating func raw(_ data: UnsafeRawBufferPointer) { bytes += data }

  public mutating func string(_ value: String) {
    var text = value
    text.withUTF8 { utf8 in
      u32(UInt32(utf8.count))
      bytes += utf8
    }
  }

  /// A file's identity, or its absence.
  public mutating func identity(_ value: FileIdentity?) {
    guard let value else { return u8(0) }
    u8(1)
    for word in [value.device, value.inode, UInt64(value.mode)] { i64(Int64(bitPattern: word)) }
    for word in [value.size, value.modified, value.changed] { i64(word) }
  }
}

/// Reads what a `ByteWriter` wrote; every read is bounds-checked and throws `ByteReader.Short`
/// past the end.
public struct ByteReader {
  public struct Short: Error {
    @inlinable public init() {}
  }

  @usableFromInline let raw: UnsafeRawBufferPointer
  @usableFromInline var offset: Int
  @usableFromInline let end: Int

  /// A reader of `range` of `raw`.
  @inlinable public init(_ raw: UnsafeRawBufferPointer, range: Range<Int>) {
    self.raw = raw
    offset = range.lowerBound
    end = range.upperBound
  }

  @inlinable public var atEnd: Bool { offset == end }
  /// Where the next read starts, in the buffer.
  @inlinable public var position: Int { offset }

  @inlinable mutating func take(_ count: Int) throws(Short) -> Int {
    guard count >= 0, end - offset >= count else { throw Short() }
    defer { offset += count }
    return offset
  }

  /// Skips `count` bytes.
  @inlinable public mutating func skip(_ count: Int) throws(Short) { _ = try take(count) }

  @inlinable public mutating func u8() throws(Short) -> UInt8 { raw[try take(1)] }

  @inlinable public mutating func bool() throws(Short) -> Bool {
    switch try u8() {
    case 0: return false
    case 1: return true
    default: throw Short()
    }
  }

  @inlinable public mutating func u32() throws(Short) -> UInt32 {
    UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: try take(4), as: UInt32.self))
  }
  @inlinable public mutating func i32() throws(Short) -> Int32 { Int32(bitPattern: try u32()) }
  @inlinable public mutating func i64() throws(Short) -> Int64 { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: try take(8), as: Int64.self)) }
  @inlinable public mutating func int() throws(Short) -> Int { Int(try i64()) }
  @inlinable public mutating func f64() throws(Short) -> Double { Double(bitPattern: UInt64(bitPattern: try i64())) }

  /// A count of things that follow, each at least `size` bytes: checked against what is left, so
  /// a damaged count cannot make a reader reserve memory for it.
  @inlinable public mutating func count(each size: Int) throws(Short) -> Int {
    let n = Int(try u32())
    guard n * max(size, 1) <= end - offset else { throw Short() }
    return n
  }

  /// Where the next string's bytes lie, skipping them.
  @inlinable public mutating func stringRange() throws(Short) -> Range<Int> {
    let count = try self.count(each: 1)
    let start = try take(count)
    return start..<(start + count)
  }

  @inlinable public mutating func string() throws(Short) -> String {
    let count = try self.count(each: 1)
    let start = try take(count)
    return String(decoding: UnsafeRawBufferPointer(rebasing: raw[start..<(start + count)]), as: UTF8.self)
  }

  public mutating func identity() throws(Short) -> FileIdentity? {
    guard try bool() else { return nil }
    return FileIdentity(
      device: UInt64(bitPattern: try i64()), inode: UInt64(bitPattern: try i64()), mode: UInt32(truncatingIfNeeded: try i64()), size: try i64(),
      modified: try i64(), changed: try i64())
  }
}
