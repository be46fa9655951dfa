import ArgumentParser
import Dispatch
import Foundation
import Lifecycle
import Logging
import NIOCore
import NIOPosix
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

extension Mlw {
  /// `mlw serve`: the same command tree over a line protocol, for a team sharing one root.
  struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "serve",
      abstract: "Serve the workspaces of a root over a line protocol (text commands or JSON-RPC 2.0), with token authentication.",
      discussion: """
        Each request is one line: the words you would type after 'mlw' (shell quoting), or a JSON-RPC 2.0 request \
        whose method is the command path joined by dots and whose params map flag names to values ("_" for \
        positional arguments). Each gets one JSON-RPC 2.0 response line, in order. A connection first sends \
        'auth TOKEN'. SIGINT or SIGTERM stops accepting, finishes the requests in flight and exits 0.
        """)

    @Option(help: ArgumentHelp("Folder of workspaces (default: $MLW_ROOT, else ./Workspaces).", valueName: "dir")) var root: String?
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0: any free port, printed at start).") var port = 7878
    @Option(help: "Connections served at once; more are answered with an error and closed.") var maxConnections = 64
    @Option(help: "Seconds a connection may stay without a request before it is closed (0: never).") var idleTimeout = 300
    @Option(help: "Longest request line in bytes; a longer line is answered with an error and the connection closed.")
    var maxLineBytes = 1 << 20
    @Option(help: "Threads that run commands (they block on file I/O and fsync).") var workers = 16
    @Option(help: "Memory for the results of read commands, reused while the files they read are unchanged (0: off).")
    var cacheMegabytes = 32

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
      guard maxConnections >= 1 else { throw ValidationError("--max-connections must be at least 1") }
      guard idleTimeout >= 0 else { throw ValidationError("--idle-timeout must be 0 or more seconds") }
      guard maxLineBytes >= 1024 else { throw ValidationError("--max-line-bytes must be at least 1024") }
      guard (1...256).contains(workers) else { throw ValidationError("--workers must be from 1 to 256") }
      guard (0...65536).contains(cacheMegabytes) else { throw ValidationError("--cache-megabytes must be from 0 to 65536") }
    }

    mutating func run() async throws {
      let given = root ?? ProcessInfo.processInfo.environment["MLW_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "Workspaces"
      guard FileIO.isDirectory(given), let resolved = realpath(given, nil) else {
        throw StoreError.notFound(what: "root folder '\(given)'", hint: "create a workspace first (mlw init NAME --lead PERSON --root \(given))")
      }
      let rootPath = String(cString: resolved)
      free(resolved)
      // File arguments of requests are relative to the root (see FileConfinement).
      guard chdir(rootPath) == 0 else { throw StoreError.io(path: rootPath, operation: "enter", reason: String(cString: strerror(errno))) }
      var logger = Logger(label: "mlw.serve") { LineLogHandler(label: $0) }
      logger.logLevel = ProcessInfo.processInfo.environment["MLW_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
      let pool = WorkerPool(threads: workers)
      let router = RequestRouter(
        root: Root(path: rootPath), pool: pool, logger: logger, cache: ResponseCache(capacityBytes: cacheMegabytes << 20))
      let server = LineServer(
        options: ServerOptions(host: host, port: port, maxConnections: maxConnections, idleTimeout: idleTimeout, maxLineBytes: maxLineBytes),
        router: router, logger: logger)
      signal(SIGINT, SIG_IGN)
      signal(SIGTERM, SIG_IGN)
      signal(SIGPIPE, SIG_IGN)
      let sources = [SIGINT, SIGTERM].map { number in
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { server.shutdown() }
        source.resume()
        return source
      }
      let root = rootPath
      try await server.run { address in
        FileHandle.standardOutput.write(Data("mlw serve: listening on \(address.ipAddress ?? "?"):\(address.port ?? 0), root \(root)\n".utf8))
      }
      sources.forEach { $0.cancel() }
      pool.shutdown()
      logger.info("stopped")
    }
  }
}
