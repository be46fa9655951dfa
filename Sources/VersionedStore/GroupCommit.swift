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
  // All state is guarded by `condition` (lock and wait in one); nothing is touched outside it.
  private let condition = NSCondition()
  private var pending: [String: [Request]] = [:]
  private var leading: Set<String> = []

  private final class Request {
    let drafts: [EventDraft]
    var result: Result<[LogEvent], StoreError>?
    init(drafts: [EventDraft]) { self.drafts = drafts }
  }

  static let shared = GroupCommit()

  /// Appends `drafts` to `log` together with whatever other threads are appending to it now.
  func append(_ drafts: [EventDraft], to log: EventLog) throws(StoreError) -> [LogEvent] {
    let mine = Request(drafts: drafts)
    condition.lock()
    pending[log.path, default: []].append(mine)
    while leading.contains(log.path), mine.result == nil { condition.wait() }
    if let result = mine.result {
      condition.unlock()
      return try result.get()
    }
    leading.insert(log.path)
    while let batch = pending.removeValue(forKey: log.path), !batch.isEmpty {
      condition.unlock()
      let outcome: Result<[LogEvent], StoreError>
      do throws(StoreError) {
        outcome = .success(try log.appendNow(batch.flatMap(\.drafts)))
      } catch {
        outcome = .failure(error)
      }
      condition.lock()
      var offset = 0
      for request in batch {
        request.result = outcome.map { Array($0[offset..<(offset + request.drafts.count)]) }
        offset += request.drafts.count
      }
      condition.broadcast()
    }
    leading.remove(log.path)
    condition.broadcast()
    condition.unlock()
    return try mine.result!.get()
  }
}
