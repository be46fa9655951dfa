/// Gives each distinct byte string (a unit id, a coder, a value) a dense number, without making a
/// `String` for every occurrence: an open-addressing table of FNV-1a hashes. Only a new name is
/// copied (into an arena of its own, so one interner serves many buffers) and becomes a
/// `String`. This is what makes reading a million ratings cost tens of milliseconds instead of a
/// million String allocations and hashes.
struct ByteInterner {
  private var slots: [Int32]
  private var mask: Int
  private var arena: [UInt8] = []
  private var starts: [Int] = []
  private var lengths: [Int] = []
  private var hashes: [UInt64] = []
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
    let (hash, slot, found) = probe(buffer, start, end)
    if let found { return (found, false) }
    let number = Int32(names.count)
    slots[slot] = number
    starts.append(arena.count)
    lengths.append(end - start)
    hashes.append(hash)
    let name = UnsafeBufferPointer(rebasing: buffer[start..<end])
    arena.append(contentsOf: name)
    names.append(String(decoding: name, as: UTF8.self))
    if names.count * 2 > slots.count { grow() }
    return (number, true)
  }

  /// The number of `buffer[start..<end]` if it has one.
  func find(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Int32? {
    probe(buffer, start, end).found
  }

  /// The hash of `buffer[start..<end]`, and its number or the free slot it would take.
  private func probe(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> (hash: UInt64, slot: Int, found: Int32?) {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for i in start..<end {
      hash = (hash ^ UInt64(buffer[i])) &* 0x0000_0100_0000_01B3
    }
    var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
    let length = end - start
    while true {
      let entry = slots[slot]
      if entry < 0 { return (hash, slot, nil) }
      let e = Int(entry)
      if hashes[e] == hash, lengths[e] == length, equal(buffer, start, starts[e], length) { return (hash, slot, entry) }
      slot = (slot + 1) & mask
    }
  }

  /// The number of `text`, and whether it is new.
  mutating func intern(_ text: String) -> (Int32, Bool) {
    var text = text
    return text.withUTF8 { intern($0, 0, $0.count) }
  }

  private func equal(_ buffer: UnsafeBufferPointer<UInt8>, _ a: Int, _ b: Int, _ length: Int) -> Bool {
    var i = 0
    while i < length {
      if buffer[a + i] != arena[b + i] { return false }
      i += 1
    }
    return true
  }

  private mutating func grow() {
    let size = slots.count * 2
    slots = [Int32](repeating: -1, count: size)
    mask = size - 1
    for e in 0..<names.count {
      let hash = hashes[e]
      var slot = Int(truncatingIfNeeded: hash ^ (hash >> 29)) & mask
      while slots[slot] >= 0 { slot = (slot + 1) & mask }
      slots[slot] = Int32(e)
    }
  }
}
