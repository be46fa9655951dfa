import ArgumentParser
import Dispatch
import Foundation
import Lifecycle
import LineServer
import Logging
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
    @Option(
      help: "Of those, connections not yet authenticated, so that clients without a token cannot crowd out members (default: a quarter, at most 16).")
    var maxUnauthenticated: Int?
    @Option(help: "Seconds a connection may stay without a complete request before it is closed (0: never).") var idleTimeout = 300
    @Option(help: "Seconds a new connection has to authenticate before it is closed (0: no limit).") var authTimeout = 10
    @Option(help: "Longest request line in bytes; a longer line is answered with an error and the connection closed.")
    var maxLineBytes = 1 << 20
    @Option(help: "Threads that run commands (they block on file I/O and fsync).") var workers = 16
    @Option(help: "Memory for the results of read commands, reused while the files they read are unchanged (0: off).")
    var cacheMegabytes = 32

    func validate() throws {
      guard (0...65535).contains(port) else { throw ValidationError("--port must be from 0 to 65535") }
      guard (1...100_000).contains(maxConnections) else { throw ValidationError("--max-connections must be from 1 to 100000") }
      guard (1...maxConnections).contains(unauthenticatedLimit) else {
        throw ValidationError("--max-unauthenticated must be from 1 to --max-connections (\(maxConnections))")
      }
      guard (0...86_400).contains(idleTimeout) else { throw ValidationError("--idle-timeout must be from 0 to 86400 seconds") }
      guard (0...3_600).contains(authTimeout) else { throw ValidationError("--auth-timeout must be from 0 to 3600 seconds") }
      guard (1024...(256 << 20)).contains(maxLineBytes) else { throw ValidationError("--max-line-bytes must be from 1024 to 268435456") }
      guard (1...256).contains(workers) else { throw ValidationError("--workers must be from 1 to 256") }
      guard (0...65536).contains(cacheMegabytes) else { throw ValidationError("--cache-megabytes must be from 0 to 65536") }
    }

    private var unauthenticatedLimit: Int { maxUnauthenticated ?? max(1, min(16, maxConnections / 4)) }

    mutating func run() async throws {
      let given = root ?? ProcessInfo.processInfo.environment["MLW_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "Workspaces"
      guard FileIO.isDirectory(given), let resolved = realpath(given, nil) else {
        throw StoreError.notFound(what: "root folder '\(given)'", hint: "create a workspace first (mlw init NAME --lead PERSON --root \(given))")
      }
      let rootPath = String(cString: resolved)
      free(resolved)
      var logger = Logger(label: "mlw.serve") { LineLogHandler(label: $0) }
      logger.logLevel = ProcessInfo.processInfo.environment["MLW_LOG_LEVEL"].flatMap { Logger.Level(rawValue: $0) } ?? .info
      let options = ServerOptions(
        host: host, port: port, maxConnections: maxConnections, maxUnauthenticated: unauthenticatedLimit,
        idleTimeout: idleTimeout, authTimeout: authTimeout, maxLineBytes: maxLineBytes)
      let server = LineServer(
        options: options, responder: CommandResponder(root: Root(path: rootPath)), workers: workers,
        cacheBytes: cacheMegabytes << 20, logger: logger)
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
      do {
        try await server.run { address, port in
          FileHandle.standardOutput.write(Data("mlw serve: listening on \(address):\(port), root \(root)\n".utf8))
        }
      } catch let error as LineServer.BindFailure {
        throw StoreError.io(path: "\(host):\(port)", operation: "listen on", reason: error.inUse ? "the port is in use; pass --port" : error.reason)
      }
      for source in sources { source.cancel() }
      logger.info("stopped")
    }
  }
}
