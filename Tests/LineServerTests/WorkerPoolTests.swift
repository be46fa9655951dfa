import Foundation
import NIOConcurrencyHelpers
import Testing

@testable import LineServer

/// The threads the server's commands run on.
@Suite struct WorkerPoolTests {
  @Test func everyJobRunsOnceAndItsResultComesBack() async throws {
    let pool = WorkerPool(threads: 3)
    defer { pool.shutdown() }
    let runs = NIOLockedValueBox([Int: Int]())
    // More jobs than threads, submitted at once: most are queued and taken by threads that
    // finish another job.
    let results = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
      for n in 0..<500 {
        group.addTask {
          (
            n,
            try await pool.run { () -> Int in
              runs.withLockedValue { $0[n, default: 0] += 1 }
              return n * n
            }
          )
        }
      }
      return try await group.reduce(into: [Int: Int]()) { $0[$1.0] = $1.1 }
    }
    #expect(results.count == 500)
    #expect(results.allSatisfy { $0.value == $0.key * $0.key })
    #expect(runs.withLockedValue { $0.count == 500 && $0.values.allSatisfy { $0 == 1 } })
  }

  @Test func errorsComeBack() async throws {
    let pool = WorkerPool(threads: 2)
    defer { pool.shutdown() }
    struct Refused: Error {}
    await #expect(throws: Refused.self) { try await pool.run { () throws -> Int in throw Refused() } }
  }

  @Test func aJobThatBlocksHoldsOnlyItsOwnThread() async throws {
    let pool = WorkerPool(threads: 2)
    defer { pool.shutdown() }
    let gate = DispatchSemaphore(value: 0)
    // One job blocks (as a command waiting for a group commit does) until another opens it.
    let started = NIOLockedValueBox(false)
    async let blocked: Bool = pool.run {
      started.withLockedValue { $0 = true }
      return gate.wait(timeout: .now() + 600) == .success
    }
    try await Self.until { started.withLockedValue { $0 } }
    try await pool.run { _ = gate.signal() }
    #expect(try await blocked)
  }

  @Test func afterShutdownQueuedJobsFinishAndNewOnesAreRefused() async throws {
    let pool = WorkerPool(threads: 1)
    let gate = DispatchSemaphore(value: 0)
    let started = NIOLockedValueBox(false)
    let done = NIOLockedValueBox(0)
    async let first: Void = pool.run {
      started.withLockedValue { $0 = true }
      _ = gate.wait(timeout: .now() + 600)
      done.withLockedValue { $0 += 1 }
    }
    try await Self.until { started.withLockedValue { $0 } }
    // Queued behind the blocked job, before the shutdown.
    async let second: Void = pool.run { done.withLockedValue { $0 += 1 } }
    try await Self.until { pool.waiting == 1 }
    pool.shutdown()
    await #expect(throws: WorkerPool.Stopped.self) { try await pool.run { 0 } }
    gate.signal()
    _ = try await (first, second)
    #expect(done.withLockedValue { $0 } == 2)
    #expect(pool.waiting == 0)
  }

  /// Waits until `condition` holds, looking at most 5,000 times 2 ms apart. Counted in looks,
  /// not in time: other suites running at once may hold every thread of the cooperative pool
  /// for a minute, and then neither this wait nor the task it waits for runs.
  static func until(_ condition: () -> Bool) async throws {
    for _ in 0..<5_000 {
      if condition() { return }
      try await Task.sleep(for: .milliseconds(2))
    }
    Issue.record("the condition did not hold")
    throw CancellationError()
  }
}
