/// Gives each distinct byte string (a unit id, a coder, a value) a dense number, without making a
/// `String` for every occurrence: an open-addressing table of FNV-1a hashes over slices of one
/// buffer. Only a new name becomes a `String`. This is what makes reading a million ratings cost
/// tens of milliseconds instead of a million String allocations and hashes.
struct ByteInterner {
  private var slots: [Int32]
  private var mask: Int
  private var starts: [Int] = []
  private var lengths: [Int] = []
  private(set) var names: [String] = []

  init(capacity: Int = 1024) {
    var size = 16
    while size < capacity * 2 { size <<= 1 }
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
  }

  var count: Int { names.count }

  /// The number of `buffer[start..<end]`, and whether it is new.
  mutating func intern(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (Int32, Bool) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in start..<end {
      hash = (hash ^ UInt64(buffer[i])) &* 0x0000_0100_0000_01B3
    }
    var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    let length = end - start
    while true {
      let entry = slots[slot]
      if entry < 0 { break }
      let e = Int(entry)
      if lengths[e] == length, equal(buffer, starts[e], start, length) { return (entry, false) }
      slot = (slot + 1) & mask
    }
    let number = Int32(names.count)
    slots[slot] = number
    starts.append(start)
    lengths.append(length)
    names.append(String(decoding: UnsafeBufferPointer(rebasing: buffer[start..<end]), as: UTF8.self))
    if names.count * 2 > slots.count { grow(buffer) }
    return (number, true)
  }

  private func equal(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
    var i = 0
    while i < length {
      if buffer[a + i] != buffer[b + i] { return false }
      i += 1
    }
    return true
  }

  private mutating func grow(_ buffer: UnsafeBufferPointer<UInt8>) {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for e in 0..<names.count {
      var hash: UInt64 = 0xcbf2_9ce4_8422_2325
      for i in starts[e]..<(starts[e] + lengths[e]) {
        hash = (hash ^ UInt64(buffer[i])) &* 0x0000_0100_0000_01B3
      }
      var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(e)
    }
  }
}
