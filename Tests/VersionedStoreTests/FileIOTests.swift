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
