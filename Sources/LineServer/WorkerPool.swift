import Foundation
import NIOConcurrencyHelpers

/// The threads that run the server's commands (commands block on file I/O and fsync, which
/// must not stall the event loops or Swift's cooperative pool).
///
/// Built for many short jobs: a job is handed straight to the thread that went idle last (its
/// caches are warm), which is woken by its own semaphore after the lock is released, so a
/// woken thread never waits for the lock its waker still holds; a thread that finishes a job
/// takes the next queued one without sleeping. (NIO's `NIOThreadPool` wakes its threads with
/// one condition variable signalled under its lock: at the server's request rates that cost a
/// futex call and a context switch more per request than this.)
final class WorkerPool: Sendable {
  typealias Job = @Sendable () -> Void

  /// Raised by `run` once the pool is shut down.
  struct Stopped: Error, CustomStringConvertible {
    var description: String { "the server is shutting down" }
  }

  // Unchecked: `job` is written by the submitter under the pool's lock before the worker's
  // semaphore is signalled, and read by the worker after it waited for it (the semaphore
  // orders the two).
  private final class Worker: @unchecked Sendable {
    let wake = DispatchSemaphore(value: 0)
    var job: Job?
  }

  private struct State: Sendable {
    var queue: [Job] = []
    var head = 0
    var idle: [Worker] = []
    var stopping = false

    mutating func next() -> Job? {
      guard head < queue.count else { return nil }
      let job = queue[head]
      head += 1
      if head == queue.count {
        queue.removeAll(keepingCapacity: true)
        head = 0
      }
      return job
    }
  }

  private let state = NIOLockedValueBox(State())

  /// Starts `threads` threads (named `mlw-worker-N`).
  init(threads: Int) {
    for number in 1...max(1, threads) {
      let worker = Worker()
      let thread = Thread { [self] in
        // Named from inside: a name given before `start` does not reach the system thread here.
        Thread.current.name = "mlw-worker-\(number)"
        self.work(worker)
      }
      thread.stackSize = 8 << 20
      thread.start()
    }
  }

  /// Runs `body` on one of the pool's threads.
  func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withUnsafeThrowingContinuation { continuation in
      let accepted = submit { continuation.resume(with: Result { try body() }) }
      if !accepted { continuation.resume(throwing: Stopped()) }
    }
  }

  /// Jobs waiting for a thread.
  var waiting: Int { state.withLockedValue { $0.queue.count - $0.head } }

  /// Lets the threads end once the jobs already submitted are done; later jobs are refused.
  func shutdown() {
    let sleepers = state.withLockedValue { state -> [Worker] in
      state.stopping = true
      defer { state.idle = [] }
      return state.idle
    }
    for worker in sleepers { worker.wake.signal() }
  }

  /// Hands `job` to an idle thread, or queues it; false once the pool is shut down.
  private func submit(_ job: @escaping Job) -> Bool {
    let woken = state.withLockedValue { state -> Worker?? in
      guard !state.stopping else { return .none }
      guard let worker = state.idle.popLast() else {
        state.queue.append(job)
        return .some(nil)
      }
      worker.job = job
      return .some(worker)
    }
    switch woken {
    case .none: return false
    case .some(let worker?): worker.wake.signal()
    case .some(nil): break
    }
    return true
  }

  private func work(_ me: Worker) {
    while true {
      // The next queued job; else sleep until handed one, or end once shutting down.
      let next = state.withLockedValue { state -> Job?? in
        if let job = state.next() { return .some(job) }
        if state.stopping { return .none }
        state.idle.append(me)
        return .some(nil)
      }
      switch next {
      case .none:
        return
      case .some(let job?):
        job()
      case .some(nil):
        me.wake.wait()
        // Woken without a job: the pool is shutting down; the queue is drained first.
        if let job = me.job {
          me.job = nil
          job()
        }
      }
    }
  }
}
