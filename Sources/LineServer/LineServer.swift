import Foundation
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VersionedStore

/// What the line decoder hands on: a line without its newline, or notice that a line grew past
/// the limit (after which the connection is answered once and closed).
public enum InboundLine: Sendable {
  case line(ByteBuffer)
  case tooLong
  /// A line already decoded (by `ImmediateAnswers`, which could not answer it at once).
  case request(WireRequest)
}

/// Splits the byte stream into lines, refusing any longer than `maxLength` bytes without
/// buffering them: framing only, as swift-nio's examples keep it.
struct LineDecoder: ByteToMessageDecoder {
  typealias InboundOut = InboundLine
  let maxLength: Int
  private var overflowed = false

  init(maxLength: Int) {
    self.maxLength = maxLength
  }

  mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
    if overflowed {
      buffer.moveReaderIndex(to: buffer.writerIndex)
      return .needMoreData
    }
    let view = buffer.readableBytesView
    guard let newline = view.firstIndex(of: 0x0A) else {
      if view.count > maxLength {
        overflowed = true
        buffer.moveReaderIndex(to: buffer.writerIndex)
        context.fireChannelRead(wrapInboundOut(.tooLong))
      }
      return .needMoreData
    }
    let length = newline - view.startIndex
    if length > maxLength {
      overflowed = true
      buffer.moveReaderIndex(to: buffer.writerIndex)
      context.fireChannelRead(wrapInboundOut(.tooLong))
      return .needMoreData
    }
    let line = buffer.readSlice(length: length)!
    buffer.moveReaderIndex(forwardBy: 1)
    context.fireChannelRead(wrapInboundOut(.line(line)))
    return .continue
  }

  mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
    // A last line without a newline is still a request.
    if !overflowed, buffer.readableBytes > 0, buffer.readableBytes <= maxLength {
      let line = buffer.readSlice(length: buffer.readableBytes)!
      context.fireChannelRead(wrapInboundOut(.line(line)))
    }
    buffer.moveReaderIndex(to: buffer.writerIndex)
    return .needMoreData
  }
}

/// The connection's two clocks: it must authenticate within `authSeconds` of connecting, and
/// it is closed after `idleSeconds` without a complete request (a partial line does not count:
/// a client sending a byte a second is idle). Each closes the connection after telling the
/// client why.
final class ConnectionTimers: ChannelInboundHandler {
  typealias InboundIn = InboundLine
  typealias InboundOut = InboundLine
  let idleSeconds: Int
  let authSeconds: Int
  let session: Session
  private var idle: Scheduled<Void>?
  private var deadline: Scheduled<Void>?

  init(idleSeconds: Int, authSeconds: Int, session: Session) {
    self.idleSeconds = idleSeconds
    self.authSeconds = authSeconds
    self.session = session
  }

  func handlerAdded(context: ChannelHandlerContext) {
    if context.channel.isActive { start(context) }
  }

  func channelActive(context: ChannelHandlerContext) {
    start(context)
    context.fireChannelActive()
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    resetIdle(context)
    context.fireChannelRead(data)
  }

  func channelInactive(context: ChannelHandlerContext) {
    idle?.cancel()
    deadline?.cancel()
    context.fireChannelInactive()
  }

  private func start(_ context: ChannelHandlerContext) {
    guard deadline == nil else { return }
    resetIdle(context)
    if authSeconds > 0 {
      let session = self.session
      let seconds = authSeconds
      let channel = context.channel
      deadline = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
        guard session.caller == nil else { return }
        Self.close(channel, WireError(.unauthenticated, "not authenticated within \(seconds) s; connection closed"))
      }
    }
  }

  private func resetIdle(_ context: ChannelHandlerContext) {
    idle?.cancel()
    guard idleSeconds > 0 else { return }
    let seconds = idleSeconds
    let channel = context.channel
    idle = context.eventLoop.scheduleTask(in: .seconds(Int64(seconds))) {
      Self.close(channel, WireError(.idleTimeout, "no request for \(seconds) s; connection closed"))
    }
  }

  private static func close(_ channel: any Channel, _ error: WireError) {
    let line = WireResponse.line(WireResponse.error(id: .null, error))
    channel.writeAndFlush(channel.allocator.buffer(bytes: line)).whenComplete { _ in channel.close(promise: nil) }
  }
}

/// Answers, on the event loop, the requests that need no command run (`ping`, and reads whose
/// cached result still holds: see `ResponseCache`), sparing them two hops between threads;
/// every other line goes on to the connection's task. A line is answered here only while every
/// earlier line of the connection has been answered, that is, while as many responses have
/// passed this handler on their way out as lines went past it on their way in, so responses
/// stay in request order. (The idle closer writes from below this handler and is not counted.)
final class ImmediateAnswers: ChannelDuplexHandler {
  typealias InboundIn = InboundLine
  typealias InboundOut = InboundLine
  typealias OutboundIn = ByteBuffer
  typealias OutboundOut = ByteBuffer

  private let pipeline: RequestPipeline
  private let session: Session
  private let server: LineServer
  private var unanswered = 0
  private var unflushed = false

  init(pipeline: RequestPipeline, session: Session, server: LineServer) {
    self.pipeline = pipeline
    self.session = session
    self.server = server
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    unanswered += 1
    guard unanswered == 1, case .line(let line) = unwrapInboundIn(data), server.isServing else {
      return context.fireChannelRead(data)
    }
    switch pipeline.immediateResponse(to: Array(line.readableBytesView), session: session) {
    case .answered(let response):
      unanswered -= 1
      context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: response)), promise: nil)
      unflushed = true
    case .decoded(let request):
      context.fireChannelRead(wrapInboundOut(.request(request)))
    case .notDecoded:
      context.fireChannelRead(data)
    }
  }

  func channelReadComplete(context: ChannelHandlerContext) {
    if unflushed {
      unflushed = false
      context.flush()
    }
    context.fireChannelReadComplete()
  }

  func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
    // One response per line sent on; the refusal of a connection over the limit answers none.
    unanswered = max(0, unanswered - 1)
    context.write(data, promise: promise)
  }
}

/// Runs a task's jobs on one event loop (a task executor preference): a connection's task then
/// stays on the thread that does its channel's I/O, instead of hopping to Swift's global pool
/// and back for every request. Its jobs must not block; commands go to the thread pool.
final class EventLoopTaskExecutor: TaskExecutor, Sendable {
  let loop: any EventLoop

  init(_ loop: any EventLoop) {
    self.loop = loop
  }

  func enqueue(_ job: consuming ExecutorJob) {
    let job = UnownedJob(job)
    let executor = asUnownedTaskExecutor()
    loop.execute { job.runSynchronously(on: executor) }
  }
}

/// The server's settings.
public struct ServerOptions: Sendable {
  public var host: String
  public var port: Int
  /// Connections open at once, authenticated or not.
  public var maxConnections: Int
  /// Of those, connections not yet authenticated: fewer than `maxConnections`, so that clients
  /// without a token cannot crowd out members.
  public var maxUnauthenticated: Int
  /// Seconds without a complete request before a connection is closed (0: never).
  public var idleTimeout: Int
  /// Seconds a connection has to authenticate (0: no limit).
  public var authTimeout: Int
  public var maxLineBytes: Int
  public var limits: RequestLimits

  public init(
    host: String, port: Int, maxConnections: Int, maxUnauthenticated: Int, idleTimeout: Int, authTimeout: Int,
    maxLineBytes: Int, limits: RequestLimits = RequestLimits()
  ) {
    self.host = host
    self.port = port
    self.maxConnections = maxConnections
    self.maxUnauthenticated = maxUnauthenticated
    self.idleTimeout = idleTimeout
    self.authTimeout = authTimeout
    self.maxLineBytes = maxLineBytes
    self.limits = limits
  }
}

/// The line-protocol server: one task per connection in a discarding task group, requests of a
/// connection answered in order, limits on line length, connections and idle time, and a
/// graceful shutdown (stop accepting, finish the requests in flight, close).
public final class LineServer: Sendable {
  let options: ServerOptions
  let pipeline: RequestPipeline
  let logger: Logger
  private let pool: WorkerPool
  private let state = NIOLockedValueBox(State())

  private struct Connection {
    var channel: any Channel
    var busy = false
    var authenticated = false
  }

  private struct State {
    var nextConnection = 0
    var listener: (any Channel)?
    var open: [Int: Connection] = [:]
    var shuttingDown = false
  }

  /// A server of `responder`: `workers` threads run its requests; `cacheBytes` of results of
  /// read requests are kept while the files they read are unchanged (0: no cache).
  public init(options: ServerOptions, responder: any Responder, workers: Int, cacheBytes: Int, logger: Logger) {
    self.options = options
    self.logger = logger
    pool = WorkerPool(threads: workers)
    pipeline = RequestPipeline(
      responder: responder, pool: pool, logger: logger, cache: ResponseCache(capacityBytes: cacheBytes), limits: options.limits)
  }

  /// The address could not be bound.
  public struct BindFailure: Error {
    /// The port is taken by another process.
    public let inUse: Bool
    public let reason: String
  }

  /// Binds, then calls `ready` with the bound address and port, and serves until `shutdown()`.
  public func run(ready: @Sendable (String, Int) -> Void) async throws {
    let maxLine = options.maxLineBytes
    let (idle, auth) = (options.idleTimeout, options.authTimeout)
    let pipeline = self.pipeline
    let bootstrap = ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      // A client may close its sending side and still read the answers to what it sent.
      .childChannelOption(.allowRemoteHalfClosure, value: true)
    let server: NIOAsyncChannel<(NIOAsyncChannel<InboundLine, ByteBuffer>, Session), Never>
    do {
      server = try await bootstrap.bind(host: options.host, port: options.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          let session = Session()
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(maxLength: maxLine)))
          try channel.pipeline.syncOperations.addHandler(ConnectionTimers(idleSeconds: idle, authSeconds: auth, session: session))
          try channel.pipeline.syncOperations.addHandler(ImmediateAnswers(pipeline: pipeline, session: session, server: self))
          return (
            try NIOAsyncChannel<InboundLine, ByteBuffer>(
              wrappingChannelSynchronously: channel, configuration: .init(isOutboundHalfClosureEnabled: true)),
            session
          )
        }
      }
    } catch let error as IOError {
      throw BindFailure(inUse: error.errnoCode == EADDRINUSE, reason: "\(error)")
    }
    state.withLockedValue { $0.listener = server.channel }
    let address = server.channel.localAddress
    ready(address?.ipAddress ?? options.host, address?.port ?? options.port)
    defer { pool.shutdown() }
    try await withThrowingDiscardingTaskGroup { group in
      try await server.executeThenClose { connections in
        for try await (connection, session) in connections {
          // The connection's task runs on its channel's event loop: reading a line, answering
          // it and taking a command's result back from the thread pool need no other thread.
          let loop = EventLoopTaskExecutor(connection.channel.eventLoop)
          group.addTask(executorPreference: loop) { await self.serve(connection, session: session) }
        }
      }
    }
  }

  /// Whether requests are still answered (false once shutting down).
  public var isServing: Bool { state.withLockedValue { !$0.shuttingDown } }

  /// Stops accepting, closes idle connections, and lets busy ones finish their request.
  public func shutdown() {
    let channels = state.withLockedValue { state -> [any Channel] in
      state.shuttingDown = true
      return (state.listener.map { [$0] } ?? []) + state.open.values.filter { !$0.busy }.map(\.channel)
    }
    logger.info("shutting down", metadata: ["closing": "\(channels.count)"])
    for channel in channels { channel.close(promise: nil) }
  }

  private func serve(_ connection: NIOAsyncChannel<InboundLine, ByteBuffer>, session: Session) async {
    let channel = connection.channel
    let admitted = state.withLockedValue { state -> Int? in
      guard !state.shuttingDown, state.open.count < options.maxConnections,
        state.open.values.count(where: { !$0.authenticated }) < options.maxUnauthenticated
      else { return nil }
      state.nextConnection += 1
      state.open[state.nextConnection] = Connection(channel: channel)
      return state.nextConnection
    }
    var logger = self.logger
    do {
      try await connection.executeThenClose { inbound, outbound in
        guard let id = admitted else {
          let error = WireError(.tooManyConnections, "the server has as many connections open as it serves; try again later")
          try await outbound.write(channel.allocator.buffer(bytes: WireResponse.line(WireResponse.error(id: .null, error))))
          return
        }
        logger[metadataKey: "connection"] = "\(id)"
        logger.debug("connected", metadata: ["peer": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
        defer { _ = self.state.withLockedValue { $0.open.removeValue(forKey: id) } }
        session.id = id
        for try await element in inbound {
          let closing = self.state.withLockedValue { state -> Bool in
            state.open[id]?.busy = true
            return state.shuttingDown
          }
          if closing { break }
          let response: PipelineResponse
          switch element {
          case .tooLong:
            let error = WireError(.lineTooLong, "the line is longer than \(self.options.maxLineBytes) bytes; connection closed")
            try await outbound.write(channel.allocator.buffer(bytes: WireResponse.line(WireResponse.error(id: .null, error))))
            return
          case .line(let buffer):
            response = await self.pipeline.respond(to: Array(buffer.readableBytesView), session: session)
          case .request(let request):
            response = await self.pipeline.respond(to: request, session: session)
          }
          try await outbound.write(channel.allocator.buffer(bytes: response.line))
          if response.close { break }
          let authenticated = session.caller != nil
          let stop = self.state.withLockedValue { state -> Bool in
            state.open[id]?.busy = false
            state.open[id]?.authenticated = authenticated
            return state.shuttingDown
          }
          if stop { break }
        }
      }
    } catch {
      logger.debug("connection ended", metadata: ["reason": "\(error)"])
    }
  }
}
