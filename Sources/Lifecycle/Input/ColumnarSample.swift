import Statistics
import VersionedStore

/// A CSV sample read column by column for the drift tests, without a `String` per cell: each
/// column's distinct texts are interned (and each cell keeps its number among them), and its
/// cells are parsed as numbers once, while every present cell is one. A column of numbers with
/// more than 100 distinct texts drops the cells' codes (the rule tests its numbers only); if a
/// cell that is no number comes after that, the column's texts are read again from the file.
/// This is what lets a window of a million rows by twenty columns be judged in seconds and in
/// a few hundred megabytes, where a `String` per cell takes ten.
public struct ColumnarSample {
  public var columns: [String]
  public var rows: Int
  public var data: [String: Drift.Column]
  /// The cells of the columns asked for with `keepingTexts`, as read ("" for an empty cell).
  public var texts: [String: [String]] = [:]

  public init(file: String, keepingTexts kept: Set<String> = []) throws {
    let input = try TabularInput(file: file)
    guard !input.isJSONLines else { throw InputError(file: file, "drift samples must be CSV with a header row") }
    let header = input.header
    guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else { throw InputError(file: file, line: 1, "the header is empty") }
    let bytes = input.bytes
    let expected = bytes.reduce(into: 0) { if $1 == 0x0A { $0 += 1 } }
    var builders = [Builder](repeating: Builder(capacity: expected), count: header.count)
    var position = 0
    var line = try TabularInput.nextRecord(bytes, &position, file: file, line: 1).lines
    var rows = 0
    let keptPositions = header.indices.filter { kept.contains(header[$0]) }
    let keptIndex = header.indices.map { keptPositions.firstIndex(of: $0) }
    var keptTexts = [[String]](repeating: [], count: keptPositions.count)
    var starts = [Int](repeating: 0, count: header.count + 1)
    try bytes.withUnsafeBufferPointer { buffer in
      while position < buffer.count {
        let recordLine = line + 1
        // A record without quotes is cut at its commas in place; one with a quote goes through
        // the full CSV reader.
        var end = position
        var quoted = false
        var fields = 1
        while end < buffer.count {
          let b = buffer[end]
          if b == 0x0A || b == 0x0D { break }
          if b == UInt8(ascii: ",") {
            if fields <= header.count { starts[fields] = end + 1 }
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
          guard raw.count == header.count else {
            throw InputError(file: file, line: recordLine, "\(raw.count) fields, but the header has \(header.count)")
          }
          for k in raw.indices {
            raw[k].withUnsafeBufferPointer { field in builders[k].add(field, 0, field.count) }
            if let j = keptIndex[k] { keptTexts[j].append(String(decoding: raw[k], as: UTF8.self)) }
          }
          rows += 1
          continue
        }
        line += 1
        let next = end < buffer.count && buffer[end] == 0x0D && end + 1 < buffer.count && buffer[end + 1] == 0x0A ? end + 2 : end + 1
        defer { position = next }
        if end == position { continue }  // a blank line
        guard fields == header.count else {
          throw InputError(file: file, line: recordLine, "\(fields) fields, but the header has \(header.count)")
        }
        starts[0] = position
        starts[fields] = end + 1
        for k in 0..<fields {
          builders[k].add(buffer, starts[k], starts[k + 1] - 1)
          if let j = keptIndex[k] {
            keptTexts[j].append(String(decoding: UnsafeBufferPointer(rebasing: buffer[starts[k]..<(starts[k + 1] - 1)]), as: UTF8.self))
          }
        }
        rows += 1
      }
    }
    guard rows > 0 else { throw InputError(file: file, "no rows after the header") }
    var data: [String: Drift.Column] = [:]
    var reread: [Int] = []
    for (k, name) in header.enumerated() {
      if builders[k].lostTexts { reread.append(k) } else { data[name] = builders[k].column }
    }
    if !reread.isEmpty {
      let texts = try SampleInput(file: file)
      for k in reread { data[header[k]] = Drift.Column(texts: texts.values[header[k]]!) }
    }
    self.columns = header
    self.rows = rows
    self.data = data
    for (j, k) in keptPositions.enumerated() { texts[header[k]] = keptTexts[j] }
  }

  /// A reference and a current sample read for comparison: a column one sample holds as numbers
  /// without its texts, where the other has a cell that is no number, is read again as texts
  /// (the categorical tests count texts on both sides).
  public static func pair(reference: String, current: String, keepingTexts kept: Set<String> = []) throws -> (
    reference: ColumnarSample, current: ColumnarSample
  ) {
    var ref = try ColumnarSample(file: reference)
    var cur = try ColumnarSample(file: current, keepingTexts: kept)
    func lacking(_ a: ColumnarSample, _ b: ColumnarSample) -> [String] {
      a.columns.filter { a.data[$0]?.codes == nil && b.data[$0].map { !$0.allNumbers } == true }
    }
    try ref.readTexts(of: lacking(ref, cur), file: reference)
    try cur.readTexts(of: lacking(cur, ref), file: current)
    return (ref, cur)
  }

  private mutating func readTexts(of columns: [String], file: String) throws {
    guard !columns.isEmpty else { return }
    let texts = try SampleInput(file: file)
    for column in columns { data[column] = Drift.Column(texts: texts.values[column]!) }
  }

  /// One column as it is read.
  private struct Builder {
    var interner = ByteInterner(capacity: 64)
    var codes: [Int32] = []
    var keepCodes = true
    var numbers: [Double] = []
    var nonFinite = 0
    var allNumbers = true
    var present = 0
    var count = 0
    /// The codes were dropped, and then a cell that is no number came.
    var lostTexts = false

    init(capacity: Int) {
      codes.reserveCapacity(capacity)
      numbers.reserveCapacity(capacity)
    }

    mutating func add(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) {
      count += 1
      guard end > start else { return }
      present += 1
      if keepCodes {
        let code = interner.intern(buffer, start, end).0
        codes.append(code)
        if allNumbers, interner.count > 100 {
          keepCodes = false
          codes = []
        }
      }
      guard allNumbers else { return }
      if let number = Self.number(buffer, start, end) {
        if number.isFinite { numbers.append(number) } else { nonFinite += 1 }
      } else {
        allNumbers = false
        numbers = []
        if !keepCodes { lostTexts = true }
      }
    }

    var column: Drift.Column {
      Drift.Column(
        count: count, names: interner.names, codes: keepCodes ? codes : nil, numbers: numbers, nonFinite: nonFinite, allNumbers: allNumbers,
        present: present)
    }

    private static let powers: [Double] = (0...22).map { k in (0..<k).reduce(1.0) { r, _ in r * 10 } }

    /// The number a cell reads as, exactly as `Double(String)` reads it: a plain decimal of at
    /// most 15 digits is the quotient of two exact doubles (Clinger's fast path, correctly
    /// rounded); anything else goes to `Double(String)`.
    static func number(_ field: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int) -> Double? {
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
      return Double(String(decoding: UnsafeBufferPointer(rebasing: field[start..<end]), as: UTF8.self))
    }
  }
}
