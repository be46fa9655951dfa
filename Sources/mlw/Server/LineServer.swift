import Foundation
import Lifecycle
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import VersionedStore

/// What the line decoder hands on: a line without its newline, or notice that a line grew past
/// the limit (after which the connection is answered once and closed).
enum InboundLine: Sendable {
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

/// Closes a connection that has been idle (no request read) for the idle timeout, after telling
/// the client why.
final class IdleCloser: ChannelInboundHandler, Sendable {
  typealias InboundIn = NIOAny
  let seconds: Int

  init(seconds: Int) {
    self.seconds = seconds
  }

  func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
    guard event is IdleStateHandler.IdleStateEvent else { return context.fireUserInboundEventTriggered(event) }
    let line = WireResponse.line(WireResponse.error(id: .null, WireError(.idleTimeout, "no request for \(seconds) s; connection closed")))
    let channel = context.channel
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

  private let router: RequestRouter
  private let session: Session
  private let server: LineServer
  private var unanswered = 0
  private var unflushed = false

  init(router: RequestRouter, session: Session, server: LineServer) {
    self.router = router
    self.session = session
    self.server = server
  }

  func channelRead(context: ChannelHandlerContext, data: NIOAny) {
    unanswered += 1
    guard unanswered == 1, case .line(let line) = unwrapInboundIn(data), server.isServing else {
      return context.fireChannelRead(data)
    }
    switch router.immediateResponse(to: Array(line.readableBytesView), session: session) {
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
struct ServerOptions: Sendable {
  var host: String
  var port: Int
  var maxConnections: Int
  var idleTimeout: Int
  var maxLineBytes: Int
}

/// The line-protocol server: one task per connection in a discarding task group, requests of a
/// connection answered in order, limits on line length, connections and idle time, and a
/// graceful shutdown (stop accepting, finish the requests in flight, close).
final class LineServer: Sendable {
  let options: ServerOptions
  let router: RequestRouter
  let logger: Logger
  private let state = NIOLockedValueBox(State())

  private struct State {
    var nextConnection = 0
    var open: [Int: (channel: any Channel, busy: Bool)] = [:]
    var shuttingDown = false
  }

  init(options: ServerOptions, router: RequestRouter, logger: Logger) {
    self.options = options
    self.router = router
    self.logger = logger
  }

  /// Binds, then calls `ready` with the bound address, and serves until `shutdown()`.
  func run(ready: @Sendable (SocketAddress) -> Void) async throws {
    let maxLine = options.maxLineBytes
    let idle = options.idleTimeout
    let router = self.router
    let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
      .serverChannelOption(.backlog, value: 256)
      .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
      .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
      .bind(host: options.host, port: options.port) { channel in
        channel.eventLoop.makeCompletedFuture {
          if idle > 0 {
            try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .seconds(Int64(idle))))
            try channel.pipeline.syncOperations.addHandler(IdleCloser(seconds: idle))
          }
          try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(LineDecoder(maxLength: maxLine)))
          let session = Session()
          try channel.pipeline.syncOperations.addHandler(ImmediateAnswers(router: router, session: session, server: self))
          return (try NIOAsyncChannel<InboundLine, ByteBuffer>(wrappingChannelSynchronously: channel), session)
        }
      }
    state.withLockedValue { $0.open[-1] = (server.channel, false) }
    ready(server.channel.localAddress!)
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
  var isServing: Bool { state.withLockedValue { !$0.shuttingDown } }

  /// Stops accepting, closes idle connections, and lets busy ones finish their request.
  func shutdown() {
    let channels = state.withLockedValue { state -> [any Channel] in
      state.shuttingDown = true
      return state.open.values.filter { !$0.busy }.map(\.channel)
    }
    logger.info("shutting down", metadata: ["closing": "\(channels.count)"])
    for channel in channels { channel.close(promise: nil) }
  }

  private func serve(_ connection: NIOAsyncChannel<InboundLine, ByteBuffer>, session: Session) async {
    let channel = connection.channel
    let admitted = state.withLockedValue { state -> Int? in
      guard !state.shuttingDown, state.open.count - 1 < options.maxConnections else { return nil }
      state.nextConnection += 1
      state.open[state.nextConnection] = (channel, false)
      return state.nextConnection
    }
    var logger = self.logger
    do {
      try await connection.executeThenClose { inbound, outbound in
        guard let id = admitted else {
          let error = WireError(.tooManyConnections, "the server has \(self.options.maxConnections) connections open already; try again later")
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
          switch element {
          case .tooLong:
            let error = WireError(.lineTooLong, "the line is longer than \(self.options.maxLineBytes) bytes; connection closed")
            try await outbound.write(channel.allocator.buffer(bytes: WireResponse.line(WireResponse.error(id: .null, error))))
            return
          case .line(let buffer):
            let response = await self.router.respond(to: Array(buffer.readableBytesView), session: session)
            try await outbound.write(channel.allocator.buffer(bytes: response))
          case .request(let request):
            let response = await self.router.respond(to: request, session: session)
            try await outbound.write(channel.allocator.buffer(bytes: response))
          }
          let stop = self.state.withLockedValue { state -> Bool in
            state.open[id]?.busy = false
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
