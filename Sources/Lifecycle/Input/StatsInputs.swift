import Statistics
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// Ratings read from a file of `unit,coder,value` rows (CSV or JSON Lines).
public struct RatingsInput: Sendable {
  public var table: RatingTable
  public var units: [String]
  public var coders: [String]
  /// Units rated by one coder only (kept: see `AgreementReport.leftOut` for what each
  /// coefficient does with them).
  public var singleRatedUnits: Int

  /// Reads and checks the ratings. An empty value is a missing rating. Refused, naming the line:
  /// a missing column, a ragged row, an empty unit or coder, the same coder rating a unit twice,
  /// a value that is not a number at the interval or ratio level, and (only when `strict`) a
  /// unit rated by one coder only. Such units are ordinary in real data with missing ratings
  /// (5 coders, 10% missing: about 45 in 100,000), and the coefficients are defined on them.
  ///
  /// The columns are `unit,coder,value`, or `item,annotator,label` as mlw's raw label export
  /// writes them. `categoryOrder` fixes the order of the categories (see `RatingTable`).
  public init(file: String, level: MeasurementLevel, strict: Bool = false, categoryOrder: [String]? = nil) throws {
    let input = try TabularInput(file: file)
    let columns = input.usesLabelColumns ? ["item", "annotator", "label"] : ["unit", "coder", "value"]
    var rows = RatingRows()
    let numeric = level == .interval || level == .ratio
    func checkValue(_ value: String, line: Int) throws {
      if numeric, Double(value).map({ !$0.isFinite }) ?? true {
        throw InputError(file: file, line: line, "value '\(value)' is not a number, and --level \(level.rawValue) needs numbers")
      }
      if level == .ratio, let number = Double(value), number < 0 {
        throw InputError(file: file, line: line, "value '\(value)' is negative, and a ratio scale starts at 0; use --level interval")
      }
    }
    if !input.isJSONLines, !input.bytes.contains(UInt8(ascii: "\"")) {
      try rows.readPlainCSV(input, columns: columns, checkValue: checkValue)
    } else {
      var unitIndex: [String: Int32] = [:]
      var coderIndex: [String: Int32] = [:]
      var valueIndex: [String: Int32] = [:]
      try input.forEachRow(columns: columns) { line, fields in
        guard let unit = fields[0], !unit.isEmpty else { throw InputError(file: file, line: line, "the unit is empty") }
        guard let coder = fields[1], !coder.isEmpty else { throw InputError(file: file, line: line, "the coder is empty") }
        guard let value = fields[2], !value.isEmpty else { return }  // a missing rating
        try checkValue(value, line: line)
        rows.append(
          unit: RatingRows.number(unit, in: &unitIndex, names: &rows.units),
          coder: RatingRows.number(coder, in: &coderIndex, names: &rows.coders),
          value: RatingRows.number(value, in: &valueIndex, names: &rows.values), line: line)
      }
    }
    let (units, coders, values) = (rows.units, rows.coders, rows.values)
    let (ratingUnit, ratingCoder, ratingValue, ratingLine) = (rows.unit, rows.coder, rows.value, rows.line)
    guard !ratingUnit.isEmpty else { throw InputError(file: file, "no ratings: every row has an empty value, or there are no rows") }

    do {
      table = try RatingTable(
        unitCount: units.count, coderCount: coders.count, values: values, unitOf: ratingUnit, coderOf: ratingCoder,
        valueOf: ratingValue, categoryOrder: categoryOrder)
    } catch {
      if case .notInOrder(let value) = error {
        throw InputError(file: file, "value '\(value)' is not among the categories given (\(categoryOrder?.joined(separator: ",") ?? ""))")
      }
      // Only now look for the lines, so that a good file pays nothing for them.
      guard case .duplicate(let unit, let coder) = error else { throw error }
      let lines = ratingUnit.indices.filter { ratingUnit[$0] == Int32(unit) && ratingCoder[$0] == Int32(coder) }.map { ratingLine[$0] }
      throw InputError(
        file: file, line: Int(lines[1]), "coder '\(coders[coder])' rated unit '\(units[unit])' already, on line \(lines[0])")
    }
    var singles = 0
    for u in 0..<units.count where table.unitStart[u + 1] - table.unitStart[u] == 1 {
      guard !strict else {
        let line = ratingLine[ratingUnit.firstIndex(of: Int32(u))!]
        throw InputError(
          file: file, line: Int(line),
          "unit '\(units[u])' is rated by one coder only (refused by --strict); remove it, or leave out --strict to count it as the coefficients define"
        )
      }
      singles += 1
    }
    self.units = units
    self.coders = coders
    singleRatedUnits = singles
  }
}

/// Ratings as dense numbers, in file order, with the line each came from.
struct RatingRows {
  var units: [String] = []
  var coders: [String] = []
  var values: [String] = []
  var unit: [Int32] = []
  var coder: [Int32] = []
  var value: [Int32] = []
  var line: [Int32] = []

  mutating func append(unit u: Int32, coder c: Int32, value v: Int32, line l: Int) {
    unit.append(u)
    coder.append(c)
    value.append(v)
    line.append(Int32(l))
  }

  static func number(_ name: String, in index: inout [String: Int32], names: inout [String]) -> Int32 {
    if let known = index[name] { return known }
    let n = Int32(names.count)
    index[name] = n
    names.append(name)
    return n
  }

  /// The fast path for CSV without quotes (the common export): fields are found by scanning
  /// for commas, and unit, coder and value are interned from their bytes (see `ByteInterner`).
  mutating func readPlainCSV(_ input: TabularInput, columns names: [String], checkValue: (String, Int) throws -> Void) throws {
    let columns = try input.columnIndexes(names)
    let width = input.header.count
    let file = input.file
    var unitNames = ByteInterner(capacity: 4096)
    var coderNames = ByteInterner(capacity: 64)
    var valueNames = ByteInterner(capacity: 64)
    try input.bytes.withUnsafeBufferPointer { buffer in
      let count = buffer.count
      var position = input.dataStart
      var lineNumber = 1
      var (previousUnit, previousUnitStart, previousUnitEnd): (Int32, Int, Int) = (-1, 0, 0)
      var fieldStart = [Int](repeating: 0, count: width + 1)
      var fieldEnd = [Int](repeating: 0, count: width + 1)
      while position < count {
        lineNumber += 1
        var end = position
        var fields = 0
        fieldStart[0] = position
        while end < count, buffer[end] != 0x0A {
          if buffer[end] == UInt8(ascii: ",") {
            if fields < width {
              fieldEnd[fields] = end
              fieldStart[fields + 1] = end + 1
            }
            fields += 1
          }
          end += 1
        }
        var lineEnd = end
        if lineEnd > position, buffer[lineEnd - 1] == 0x0D { lineEnd -= 1 }
        if fields <= width { fieldEnd[fields] = lineEnd }
        let next = end + 1
        defer { position = next }
        if lineEnd == position { continue }  // a blank line
        guard fields + 1 == width else {
          throw InputError(file: file, line: lineNumber, "\(fields + 1) fields, but the header has \(width)")
        }
        let (us, ue) = (fieldStart[columns[0]], fieldEnd[columns[0]])
        let (cs, ce) = (fieldStart[columns[1]], fieldEnd[columns[1]])
        let (vs, ve) = (fieldStart[columns[2]], fieldEnd[columns[2]])
        guard ue > us else { throw InputError(file: file, line: lineNumber, "the unit is empty") }
        guard ce > cs else { throw InputError(file: file, line: lineNumber, "the coder is empty") }
        guard ve > vs else { continue }  // a missing rating
        let (v, newValue) = valueNames.intern(buffer, vs, ve)
        if newValue { try checkValue(valueNames.names[Int(v)], lineNumber) }
        // Exports usually list a unit's ratings together: reuse the previous row's unit number
        // when the bytes are the same, and skip the hash table.
        let u: Int32
        if previousUnit >= 0, ue - us == previousUnitEnd - previousUnitStart,
          memcmp(buffer.baseAddress! + us, buffer.baseAddress! + previousUnitStart, ue - us) == 0
        {
          u = previousUnit
        } else {
          u = unitNames.intern(buffer, us, ue).0
        }
        (previousUnit, previousUnitStart, previousUnitEnd) = (u, us, ue)
        append(unit: u, coder: coderNames.intern(buffer, cs, ce).0, value: v, line: lineNumber)
      }
    }
    units = unitNames.names
    coders = coderNames.names
    values = valueNames.names
  }
}

/// Truth, prediction and optional score rows for `mlw stats classification`.
public struct ClassificationInput: Sendable {
  public var truth: [String] = []
  public var prediction: [String] = []
  public var scores: [Double]?

  public init(file: String) throws {
    let input = try TabularInput(file: file)
    let hasScore = input.isJSONLines ? true : input.header.contains("score")
    var scores: [Double] = []
    var missingScoreLine: Int?
    var truth: [String] = []
    var prediction: [String] = []
    try input.forEachRow(columns: hasScore ? ["truth", "prediction", "score"] : ["truth", "prediction"]) { line, fields in
      guard let t = fields[0], !t.isEmpty else { throw InputError(file: file, line: line, "the truth is empty") }
      guard let p = fields[1], !p.isEmpty else { throw InputError(file: file, line: line, "the prediction is empty") }
      truth.append(t)
      prediction.append(p)
      guard hasScore else { return }
      if let text = fields[2], !text.isEmpty {
        guard let s = Double(text), s.isFinite else {
          throw InputError(file: file, line: line, "score '\(text)' is not a number")
        }
        scores.append(s)
      } else if missingScoreLine == nil {
        missingScoreLine = line
      }
    }
    guard !truth.isEmpty else { throw InputError(file: file, "no rows after the header") }
    if !scores.isEmpty, let line = missingScoreLine {
      throw InputError(file: file, line: line, "the score is missing; give a score on every row or on none")
    }
    self.truth = truth
    self.prediction = prediction
    self.scores = scores.isEmpty ? nil : scores
  }
}

/// A CSV sample for `mlw stats drift`: every column's values as text.
public struct SampleInput: Sendable {
  public var columns: [String]
  public var values: [String: [String]]

  public init(file: String) throws {
    let input = try TabularInput(file: file)
    guard !input.isJSONLines else { throw InputError(file: file, "drift samples must be CSV with a header row") }
    let header = input.header
    guard !header.isEmpty, !(header.count == 1 && header[0].isEmpty) else { throw InputError(file: file, line: 1, "the header is empty") }
    if let duplicate = header.first(where: { name in header.filter { $0 == name }.count > 1 }) {
      throw InputError(file: file, line: 1, "the column '\(duplicate)' appears twice in the header")
    }
    // By position while reading (a dictionary lookup per cell costs more than the cell).
    var byPosition = [[String]](repeating: [], count: header.count)
    try input.forEachRow(columns: header) { _, fields in
      for (k, field) in fields.enumerated() { byPosition[k].append(field ?? "") }
    }
    guard byPosition[0].count > 0 else { throw InputError(file: file, "no rows after the header") }
    columns = header
    values = Dictionary(uniqueKeysWithValues: zip(header, byPosition))
  }
}

/// A table of model results for ranking: a `model` column and one numeric column per metric.
public struct ResultsInput: Sendable {
  public var models: [(name: String, metrics: [String: Double])] = []
  public var metrics: [String] = []

  public init(file: String) throws {
    let input = try TabularInput(file: file)
    guard !input.isJSONLines else { throw InputError(file: file, "the results table must be CSV with a header row") }
    let metricNames = input.header.filter { $0 != "model" }
    guard !metricNames.isEmpty else { throw InputError(file: file, line: 1, "the header has no metric column besides 'model'") }
    var seen: [String: Int] = [:]
    var models: [(name: String, metrics: [String: Double])] = []
    try input.forEachRow(columns: ["model"] + metricNames) { line, fields in
      guard let name = fields[0], !name.isEmpty else { throw InputError(file: file, line: line, "the model name is empty") }
      // A name is one line of a table: no line breaks, tabs or other control characters.
      if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
        throw InputError(file: file, line: line, "the model name holds a line break or another control character; give each model a one-line name")
      }
      if let first = seen[name] { throw InputError(file: file, line: line, "model '\(name)' appears already, on line \(first)") }
      seen[name] = line
      var metrics: [String: Double] = [:]
      for (metric, text) in zip(metricNames, fields.dropFirst()) {
        guard let text, let value = Double(text), value.isFinite else {
          throw InputError(file: file, line: line, "\(metric) '\(text ?? "")' is not a number")
        }
        metrics[metric] = value
      }
      models.append((name, metrics))
    }
    guard !models.isEmpty else { throw InputError(file: file, "no models after the header") }
    self.models = models
    metrics = metricNames
  }
}
