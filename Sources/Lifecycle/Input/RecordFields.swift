/// The fields a reader asked for of one data record, as byte ranges of one buffer: no `String`
/// per cell. Valid only inside the call that receives it. A CSV record without quotes is cut at
/// its commas in place; one with a quote, and every JSON Lines record, is copied into a scratch
/// buffer first (an absent key or a JSON null reads as an empty field).
struct RecordFields {
  let buffer: UnsafeBufferPointer<UInt8>
  let starts: UnsafeMutableBufferPointer<Int>
  let ends: UnsafeMutableBufferPointer<Int>

  var count: Int { starts.count }

  func isEmpty(_ k: Int) -> Bool { ends[k] == starts[k] }

  /// Field `k` as text.
  func string(_ k: Int) -> String {
    String(decoding: UnsafeBufferPointer(rebasing: buffer[starts[k]..<ends[k]]), as: UTF8.self)
  }

  /// Field `k` as a number, read exactly as `Double(String)` reads it, when it is written as a
  /// plain decimal (`Figure.isDecimal`: no `nan`, `inf` or hex); else nil.
  func decimal(_ k: Int) -> Double? {
    guard ends[k] > starts[k] else { return nil }
    if let fast = DecimalText.plainNumber(buffer, starts[k], ends[k]) { return fast }
    let text = string(k)
    return Figure.isDecimal(text) ? Double(text) : nil
  }
}

extension TabularInput {
  /// Calls `body` with each data record's line number and the fields of `columns` (by name; a
  /// missing one is an error naming the header), in that order.
  func forEachRecord(columns: [String], _ body: (_ line: Int, _ fields: RecordFields) throws -> Void) throws {
    let wanted = columns.count
    let starts = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted)
    let ends = UnsafeMutableBufferPointer<Int>.allocate(capacity: wanted)
    defer {
      starts.deallocate()
      ends.deallocate()
    }
    // A record copied whole into `scratch`: quoted CSV records and JSON lines.
    var scratch: [UInt8] = []
    func copied(_ line: Int, _ fields: [ArraySlice<UInt8>]) throws {
      scratch.removeAll(keepingCapacity: true)
      for (k, field) in fields.enumerated() {
        starts[k] = scratch.count
        scratch += field
        ends[k] = scratch.count
      }
      try scratch.withUnsafeBufferPointer { try body(line, RecordFields(buffer: $0, starts: starts, ends: ends)) }
    }
    if isJSONLines {
      try forEachRow(columns: columns) { line, fields in try copied(line, fields.map { Array(($0 ?? "").utf8)[...] }) }
      return
    }
    let indexes = try columnIndexes(columns)
    let width = header.count
    var cuts = [Int](repeating: 0, count: width + 1)
    var position = dataStart
    var line = TextBytes.line(of: dataStart, in: bytes) - 1  // the lines the header took
    try bytes.withUnsafeBufferPointer { buffer in
      while position < buffer.count {
        let recordLine = line + 1
        var end = position
        var quoted = false
        var fields = 1
        while end < buffer.count {
          let b = buffer[end]
          if b == 0x0A || b == 0x0D { break }
          if b == UInt8(ascii: ",") {
            if fields <= width { cuts[fields] = end + 1 }
            fields += 1
          } else if b == UInt8(ascii: "\"") {
            quoted = true
          }
          end += 1
        }
        if quoted {
          let (raw, lines) = try TabularInput.nextRecord(bytes, &position, file: file, line: recordLine)
          line += lines
          if raw.count == 1 && raw[0].isEmpty { continue }
          guard raw.count == width else { throw InputError(file: file, line: recordLine, "\(raw.count) fields, but the header has \(width)") }
          try copied(recordLine, indexes.map { raw[$0] })
          continue
        }
        line += 1
        let next = end < buffer.count && buffer[end] == 0x0D && end + 1 < buffer.count && buffer[end + 1] == 0x0A ? end + 2 : end + 1
        defer { position = next }
        if end == position { continue }  // a blank line
        guard fields == width else { throw InputError(file: file, line: recordLine, "\(fields) fields, but the header has \(width)") }
        cuts[0] = position
        cuts[width] = end + 1
        for (k, column) in indexes.enumerated() {
          starts[k] = cuts[column]
          ends[k] = cuts[column + 1] - 1
        }
        try body(recordLine, RecordFields(buffer: buffer, starts: starts, ends: ends))
      }
    }
  }
}

/// Numbers read from bytes.
enum DecimalText {
  private static let powers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

  /// The number `field[start..<end]` reads as, exactly as `Double(String)` reads it: a plain
  /// decimal of at most 15 digits is the quotient of two exact doubles (Clinger's fast path,
  /// correctly rounded); anything else goes to `Double(String)`.
  static func number(_ field: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    plainNumber(field, start, end) ?? Double(String(decoding: UnsafeBufferPointer(rebasing: field[start..<end]), as: UTF8.self))
  }

  /// The number of a plain decimal of at most 15 digits (Clinger's fast path), else nil.
  static func plainNumber(_ field: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
    var i = start
    var negative = false
    if field[i] == UInt8(ascii: "-") {
      negative = true
      i += 1
    }
    var mantissa: Int64 = 0
    var digits = 0
    var fraction = 0
    var seenPoint = false
    var plain = i < end
    while i < end {
      let b = field[i]
      if b >= 48, b <= 57 {
        mantissa = mantissa &* 10 &+ Int64(b - 48)
        digits += 1
        if seenPoint { fraction += 1 }
      } else if b == UInt8(ascii: "."), !seenPoint {
        seenPoint = true
      } else {
        plain = false
        break
      }
      i += 1
    }
    // Digits on both sides of a point; "1." and ".5" take the slow path like every other form.
    if plain, digits > 0, digits <= 15, fraction <= 22, !seenPoint || (fraction > 0 && digits > fraction) {
      let value = Double(mantissa) / powers[fraction]
      return negative ? -value : value
    }
    return nil
  }
}
