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
    let expected = input.bytes.reduce(into: 0) { if $1 == 0x0A { $0 += 1 } }
    var builders = [Builder](repeating: Builder(capacity: expected), count: header.count)
    var rows = 0
    let keptPositions = header.indices.filter { kept.contains(header[$0]) }
    var keptTexts = [[String]](repeating: [], count: keptPositions.count)
    try input.forEachRecord(columns: header) { _, fields in
      for k in 0..<fields.count { builders[k].add(fields.buffer, fields.starts[k], fields.ends[k]) }
      for (j, k) in keptPositions.enumerated() { keptTexts[j].append(fields.string(k)) }
      rows += 1
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
      if let number = DecimalText.number(buffer, start, end) {
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
  }
}
