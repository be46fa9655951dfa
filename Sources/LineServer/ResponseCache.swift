import NIOConcurrencyHelpers
import VersionedStore

/// The results of read commands the server ran, each with everything the command learnt from
/// the store (a `ReadSet`), reused for the same request by the same member while all of it is
/// unchanged.
///
/// A dashboard polls the same few reads over and over; most of a read's cost is parsing,
/// checking roles, and encoding an answer that comes out the same each time. Here a repeat costs
/// a `stat` of each file the first run looked at. A result is stored only when its run wrote
/// nothing, did not ask for the time, named no files of the client's, and looked at no file
/// changed within the last second (see `ReadSet`). Writes by anyone, this server or another
/// process on the same root, change the identity of a file the read looked at, so the next
/// request runs the command again.
final class ResponseCache: Sendable {
  struct Key: Hashable, Sendable {
    let member: String
    let words: [String]
  }

  /// A stored result: the command path (for the request log) and the result's canonical bytes.
  struct Hit: Sendable {
    let path: String
    let result: [UInt8]
  }

  private struct Entry: Sendable {
    let hit: Hit
    let reads: [ReadSet.Observation]
    let serial: Int
    let cost: Int
  }

  private struct State {
    var entries: [Key: Entry] = [:]
    var bytes = 0
    var serial = 0
    /// Command paths whose last tracked run wrote, with the runs since.
    var writers: [String: Int] = [:]
  }

  private let state = NIOLockedValueBox(State())
  /// The most the cache holds, in bytes of results, keys and paths; 0 turns it off.
  let capacityBytes: Int

  init(capacityBytes: Int) {
    self.capacityBytes = capacityBytes
  }

  /// The stored result for `key`, if every file its run looked at is still as it was.
  func hit(for key: Key) -> Hit? {
    guard capacityBytes > 0, let entry = state.withLockedValue({ $0.entries[key] }) else { return nil }
    for observation in entry.reads where !observation.holds {
      state.withLockedValue { state in
        if let current = state.entries[key], current.serial == entry.serial {
          state.entries[key] = nil
          state.bytes -= current.cost
        }
      }
      return nil
    }
    return entry.hit
  }

  /// Stores a result with what its run read, unless the run says it may not be reused.
  /// Returns whether it was stored.
  @discardableResult
  func store(_ hit: Hit, reads: ReadSet, for key: Key) -> Bool {
    guard capacityBytes > 0, let observations = reads.settle() else { return false }
    let cost =
      128 + hit.result.count + hit.path.utf8.count + key.member.utf8.count
      + key.words.reduce(0) { $0 + 16 + $1.utf8.count } + observations.reduce(0) { $0 + 64 + $1.path.utf8.count }
    guard cost <= capacityBytes / 4 else { return false }
    state.withLockedValue { state in
      // A cache full of distinct requests is a scan, not a poll; start over rather than track
      // which entry is oldest on every hit.
      if state.bytes + cost > capacityBytes {
        state.entries.removeAll(keepingCapacity: true)
        state.bytes = 0
      }
      state.serial += 1
      state.bytes += cost - (state.entries[key]?.cost ?? 0)
      state.entries[key] = Entry(hit: hit, reads: observations, serial: state.serial, cost: cost)
    }
    return true
  }

  /// Whether a run of the command at `path` should record what it reads. A command whose last
  /// recorded run wrote is run without recording (recording costs ~15 µs of a write, and a run
  /// that writes is never reused), except every 64th run, in case it writes only sometimes. A
  /// run not recorded is never stored, so this decides only what is worth trying.
  func tracks(_ path: String) -> Bool {
    guard capacityBytes > 0 else { return false }
    return state.withLockedValue { state in
      guard let runs = state.writers[path] else { return true }
      state.writers[path] = runs + 1
      return (runs + 1) % 64 == 0
    }
  }

  /// Notes whether a recorded run of the command at `path` wrote.
  func ran(_ path: String, wrote: Bool) {
    state.withLockedValue { state in
      if wrote {
        if state.writers[path] == nil { state.writers[path] = 0 }
      } else {
        state.writers[path] = nil
      }
    }
  }
}
