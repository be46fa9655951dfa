import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// `mlw-bench load PORT CONNECTIONS SECONDS TOKENS LINE`: CONNECTIONS clients, each on its own
/// thread and socket, authenticate with the next token of the comma-separated TOKENS, then send
/// LINE and wait for the answer, over and over for SECONDS. Prints requests per second and the
/// latency percentiles of every request, and counts error answers.
func runLoad(port: Int, connections: Int, seconds: Double, tokens: [String], line: String) {
  final class Results: @unchecked Sendable {
    // Written by each thread into its own slot, read after all threads joined.
    var latencies: [[Double]]
    var errors: [Int]
    init(_ n: Int) {
      latencies = Array(repeating: [], count: n)
      errors = Array(repeating: 0, count: n)
    }
  }
  let results = Results(connections)
  let deadline = Date().addingTimeInterval(seconds)
  let group = DispatchGroup()
  for c in 0..<connections {
    group.enter()
    Thread {
      defer { group.leave() }
      let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let ok = withUnsafePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
      }
      guard ok == 0 else { return }
      var one: Int32 = 1
      setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
      var buffer: [UInt8] = []
      var chunk = [UInt8](repeating: 0, count: 65536)
      func exchange(_ text: String) -> [UInt8]? {
        let bytes = Array((text + "\n").utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return nil }
        while true {
          if let newline = buffer.firstIndex(of: 0x0A) {
            let answer = Array(buffer[..<newline])
            buffer.removeSubrange(...newline)
            return answer
          }
          let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
          guard n > 0 else { return nil }
          buffer += chunk[..<n]
        }
      }
      _ = exchange("auth " + tokens[c % tokens.count])
      let errorMarker = Array(#""error""#.utf8)
      while Date() < deadline {
        let start = DispatchTime.now().uptimeNanoseconds
        guard let answer = exchange(line) else { break }
        results.latencies[c].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        if answer.count >= errorMarker.count,
          (0...(answer.count - errorMarker.count)).contains(where: { answer[$0..<($0 + errorMarker.count)].elementsEqual(errorMarker) })
        {
          results.errors[c] += 1
        }
      }
      close(fd)
    }.start()
  }
  group.wait()
  let all = results.latencies.flatMap { $0 }.sorted()
  guard !all.isEmpty else { fail("no request was answered") }
  func percentile(_ p: Double) -> Double { all[min(all.count - 1, Int(p * Double(all.count - 1)))] }
  let rate = Double(all.count) / seconds
  print(
    String(
      format: "%3d connection(s): %9.0f requests/s   p50 %7.3f ms   p99 %7.3f ms   (%d requests, %d errors)", connections, rate, percentile(0.5),
      percentile(0.99), all.count, results.errors.reduce(0, +)))
}
