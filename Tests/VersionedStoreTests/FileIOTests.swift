import Foundation
import Testing

@testable import VersionedStore

@Suite struct FileIOTests {
  /// A file is read whole at every size, the sizes at the buffer's edges included (a file that
  /// filled its buffer exactly used to double it before its end was seen).
  @Test func readsEveryByteAtTheBuffersEdges() throws {
    let folder = makeTemporaryFolder("mlw-fileio")
    for size in [0, 1, 4095, 4096, 4097, 65_536, 1_000_003] {
      let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
      let path = folder + "/f\(size)"
      try Data(bytes).write(to: URL(fileURLWithPath: path))
      let read = try FileIO.read(path)
      #expect(read == bytes, "size \(size)")
      #expect(read.capacity <= max(size, 4096) + 8192, "size \(size): capacity \(read.capacity)")
    }
  }
}

@Suite struct FIFOTests {
  /// A FIFO nobody writes to reads as empty at once; opening it does not wait for a writer.
  @Test func aFIFOWithoutAWriterReadsAsEmptyAtOnce() throws {
    let path = makeTemporaryFolder("mlw-fifo") + "/ff"
    #expect(mkfifo(path, 0o600) == 0)
    let done = DispatchSemaphore(value: 0)
    let result = Locked<[UInt8]?>(nil)
    Thread.detachNewThread {
      result.set(try? FileIO.read(path))
      done.signal()
    }
    #expect(done.wait(timeout: .now() + 5) == .success, "FileIO.read blocked on a FIFO without a writer")
    #expect(result.get() == [])
  }

  /// A device with no end (/dev/zero) is read up to a bound, then refused, not to the end of memory.
  @Test func aFileWithNoEndIsReadToABoundAndRefused() throws {
    #expect(throws: StoreError.self) { try FileIO.read("/dev/zero") }
  }
}

/// A value shared with a thread.
final class Locked<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var value: Value
  init(_ value: Value) { self.value = value }
  func set(_ new: Value) { lock.withLock { value = new } }
  func get() -> Value { lock.withLock { value } }
}

@Suite struct ChildCountTests {
  /// A large collection's count is kept with its folder's identity and used while the folder is
  /// unchanged; an entry added or removed changes the folder's times, and the count is taken
  /// afresh.
  @Test func aKeptCountHoldsOnlyWhileTheFolderIsUnchanged() throws {
    let root = makeTemporaryFolder("mlw-counts")
    let store = DocumentStore(root: root)
    let runs = RecordPath(trusted: ["runs"])
    for i in 0..<1200 { try FileIO.makeDirectories(root + "/runs/r\(i)") }
    try FileIO.makeDirectories(root + "/runs/.hidden")
    Thread.sleep(forTimeInterval: Double(ReadSet.settling) / 1e9 + 0.2)
    #expect(try store.childCount(of: runs) == 1200)
    let cache = root + "/.index/count-runs"
    let kept = try #require(DerivedFile.read(cache, kind: "child-count", schemaVersion: 1))
    let fields = String(decoding: kept.bytes[kept.payload], as: UTF8.self).split(separator: " ")
    #expect(fields.count == 4 && fields[3] == "1200")
    // The kept count is what is read while the folder is unchanged (a planted 7 proves it) …
    DerivedFile.write(Array((fields[0..<3].joined(separator: " ") + " 7").utf8), to: cache, kind: "child-count", schemaVersion: 1)
    #expect(try store.childCount(of: runs) == 7)
    // … and not once an entry is added or removed.
    try FileIO.makeDirectories(root + "/runs/r1200")
    #expect(try store.childCount(of: runs) == 1201)
    try FileManager.default.removeItem(atPath: root + "/runs/r0")
    try FileManager.default.removeItem(atPath: root + "/runs/r1")
    #expect(try store.childCount(of: runs) == 1199)
    // A damaged file is no count.
    try Data("garbage".utf8).write(to: URL(fileURLWithPath: cache))
    #expect(try store.childCount(of: runs) == 1199)
    #expect(try store.childCount(of: RecordPath(trusted: ["none"])) == 0)
  }
}
