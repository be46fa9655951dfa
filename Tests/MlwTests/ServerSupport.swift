import Foundation
import Testing
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// A running `mlw serve` on a free port of 127.0.0.1.
final class ServerProcess {
  let process = Process()
  let port: Int
  let root: String
  private let errors = Pipe()

  /// `log`: a file for the request log (level info); without it only errors are logged.
  init(root: String, arguments: [String] = [], log: String? = nil) throws {
    self.root = root
    process.executableURL = URL(fileURLWithPath: Products.path("mlw"))
    process.arguments = ["serve", "--root", root, "--port", "0"] + arguments
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MLW_") }
      .merging(["MLW_LOG_LEVEL": log == nil ? "error" : "info"]) { $1 }
    let out = Pipe()
    process.standardOutput = out
    if let log {
      guard FileManager.default.createFile(atPath: log, contents: nil), let handle = FileHandle(forWritingAtPath: log) else {
        throw ServerTestError("cannot create the log file \(log)")
      }
      process.standardError = handle
    } else {
      process.standardError = errors
    }
    try process.run()
    var text = ""
    while !text.contains("\n") {
      let data = out.fileHandleForReading.availableData
      guard !data.isEmpty else { break }
      text += String(decoding: data, as: UTF8.self)
    }
    guard let range = text.range(of: #":(\d+), root"#, options: .regularExpression),
      let port = Int(text[range].dropFirst().prefix { $0.isNumber })
    else { throw ServerTestError("the server did not say where it listens: \(text)") }
    self.port = port
  }

  /// Sends `signal` and waits; the exit status.
  func stop(_ signal: Int32 = SIGTERM) -> Int32 {
    kill(process.processIdentifier, signal)
    process.waitUntilExit()
    return process.terminationStatus
  }

  var isRunning: Bool { process.isRunning }

  deinit { if process.isRunning { process.terminate() } }
}

struct ServerTestError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

/// A blocking line client over a TCP socket.
final class LineClient {
  private let fd: Int32
  private var buffer: [UInt8] = []

  init(port: Int) throws {
    fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = in_port_t(UInt16(port).bigEndian)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
    }
    guard connected == 0 else { throw ServerTestError("connect failed: errno \(errno)") }
    var timeout = timeval(tv_sec: 30, tv_usec: 0)
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
  }

  deinit { close(fd) }

  func send(bytes: [UInt8]) throws {
    var sent = 0
    while sent < bytes.count {
      let n = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress!, $0.count, Int32(MSG_NOSIGNAL)) }
      guard n > 0 else { throw ServerTestError("send failed: errno \(errno)") }
      sent += n
    }
  }

  func send(_ line: String) throws { try send(bytes: Array((line + "\n").utf8)) }

  /// Closes the sending side only (`shutdown(SHUT_WR)`), as `nc -q1` does at the end of input.
  func shutdownWrite() { shutdown(fd, Int32(SHUT_WR)) }

  /// The next line, or nil when the server closed the connection.
  func readLine() throws -> String? {
    while true {
      if let newline = buffer.firstIndex(of: 0x0A) {
        let line = String(decoding: buffer[..<newline], as: UTF8.self)
        buffer.removeSubrange(...newline)
        return line
      }
      var chunk = [UInt8](repeating: 0, count: 65536)
      let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress!, $0.count, 0) }
      if n == 0 { return nil }
      guard n > 0 else {
        if errno == ECONNRESET { return nil }
        throw ServerTestError("recv failed: errno \(errno)")
      }
      buffer += chunk[..<n]
    }
  }

  /// Sends one request line and parses the response line.
  func request(_ line: String) throws -> JSONValue {
    try send(line)
    guard let answer = try readLine() else { throw ServerTestError("the server closed the connection after: \(line)") }
    return try JSONValue.parse(Array(answer.utf8))
  }
}

/// A root with workspace `demo` and one member per role, each holding only that role, and
/// their tokens: ana (lead), sam (sme), mia (manager), ann (annotator), eve (engineer).
func makeServedRoot() throws -> (root: String, tokens: [String: String]) {
  let root = makeTemporaryFolder("mlw-serve")
  var tokens: [String: String] = [:]
  let created = try mlw(["init", "demo", "--lead", "ana", "--json"], root: root)
  tokens["ana"] = created.json?["token"]?.stringValue
  for (person, role) in [("sam", "sme"), ("mia", "manager"), ("ann", "annotator"), ("eve", "engineer")] {
    let added = try mlw(["lead", "member", "add", person, "--role", role, "--json"], root: root, as: "ana", workspace: "demo")
    #expect(added.json?["invitation"]?.stringValue?.hasPrefix("mlw_") == true)
    // Each person exchanges the lead's invitation for a token of their own.
    tokens[person] = try mlw(["token", "rotate", "--json"], root: root, as: person).json?["token"]?.stringValue
  }
  #expect(tokens.count == 5 && tokens.values.allSatisfy { $0.hasPrefix("mlw_") })
  return (root, tokens)
}
