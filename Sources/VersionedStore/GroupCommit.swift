import Foundation

/// Merges appends to the same log that arrive together into one write and one fsync.
///
/// The first appender of a log becomes the leader: it writes its events and every event queued
/// while it waited for the lock or the disk, fsyncs once, and hands each appender its own events
/// back. Followers wait until the fsync that covers their lines is done, so an append still
/// returns only when it is durable. In a single-threaded process (the command line) every append
/// leads and this changes nothing; in the server, where many requests append at once, it is how
/// appends per second get past the disk's fsync rate.
final class GroupCommit: @unchecked Sendable {
  // `pending` and `leading` are guarded by `lock`. A request's `result` is written by the
  // leader before its `done` is signalled and read by its owner only after `done` is waited
  // for (the semaphore orders the two), so it needs no lock.
  private let lock = NSLock()
  private var pending: [String: [Request]] = [:]
  private var leading: Set<String> = []

  private final class Request {
    let drafts: [EventDraft]
    var result: Result<[LogEvent], StoreError>?
    /// Signalled once `result` is set: each follower wakes only for its own result, not for
    /// every batch written while it waits.
    let done = DispatchSemaphore(value: 0)
    init(drafts: [EventDraft]) { self.drafts = drafts }
  }

  static let shared = GroupCommit()

  /// Appends `drafts` to `log` together with whatever other threads are appending to it now.
  func append(_ drafts: [EventDraft], to log: EventLog) throws(StoreError) -> [LogEvent] {
    let mine = Request(drafts: drafts)
    lock.lock()
    pending[log.path, default: []].append(mine)
    if leading.contains(log.path) {
      // The leader takes every pending request before it gives up leading, so it takes this one.
      lock.unlock()
      mine.done.wait()
      return try mine.result!.get()
    }
    leading.insert(log.path)
    while let batch = pending.removeValue(forKey: log.path), !batch.isEmpty {
      lock.unlock()
      let outcome: Result<[LogEvent], StoreError>
      do throws(StoreError) {
        outcome = .success(try log.appendNow(batch.flatMap(\.drafts)))
      } catch {
        outcome = .failure(error)
      }
      var offset = 0
      for request in batch {
        request.result = outcome.map { Array($0[offset..<(offset + request.drafts.count)]) }
        offset += request.drafts.count
      }
      // Woken outside the lock: a follower that runs at once does not then wait for it.
      for request in batch where request !== mine { request.done.signal() }
      lock.lock()
    }
    leading.remove(log.path)
    lock.unlock()
    return try mine.result!.get()
  }
}
