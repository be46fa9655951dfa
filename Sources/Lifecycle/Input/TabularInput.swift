import VersionedStore

/// A problem with a file given as input, located to the line.
public struct InputError: CategorizedError, Equatable {
  public var file: String
  public var line: Int?
  public var problem: String

  public init(file: String, line: Int? = nil, _ problem: String) {
    self.file = file
    self.line = line
    self.problem = problem
  }

  public var category: ErrorCategory { .invalidInput }

  /// A value from a file as an error message shows it: at most 80 characters (an item id of
  /// megabytes would otherwise be the whole message).
  public static func shown(_ value: String) -> String {
    value.count <= 80 ? value : String(value.prefix(77)) + "…"
  }
  public var message: String {
    line.map { "\(file): line \($0): \(problem)" } ?? "\(file): \(problem)"
  }
}

/// Rows of a CSV file (RFC 4180: quoted fields, doubled quotes, CRLF or LF) or of a JSON Lines
/// file (one object per line), as text fields under the header's names.
///
/// Read whole into memory and split in one pass over the bytes; fields are handed out per row,
/// so a million-row file costs its bytes plus what the caller keeps.
public struct TabularInput {
  public let file: String
  public let header: [String]
  let bytes: [UInt8]
  /// Whether the file began with a UTF-8 byte-order mark (left out of `bytes`).
  let hadBOM: Bool
  let isJSONLines: Bool
  /// Where the first data row starts (after the header line of a CSV file).
  let dataStart: Int

  /// Opens `file`; JSON Lines when it ends in `.jsonl`/`.ndjson` or starts with `{`.
  public init(file: String) throws {
    self.file = file
    guard FileIO.exists(file) else { throw InputError(file: file, "no such file") }
    guard !FileIO.isDirectory(file) else { throw InputError(file: file, "is a folder, not a file") }
    let read = try FileIO.read(file)
    let bytes = TextBytes.withoutBOM(read)
    self.bytes = bytes
    hadBOM = bytes.count < read.count
    let firstByte = bytes.first { $0 != 0x20 && $0 != 0x0A && $0 != 0x0D && $0 != 0x09 }
    guard firstByte != nil else { throw InputError(file: file, "the file is empty") }
    isJSONLines = file.hasSuffix(".jsonl") || file.hasSuffix(".ndjson") || firstByte == UInt8(ascii: "{")
    if isJSONLines {
      header = []
      dataStart = 0
      // The first object names the columns: a first line that is none is its own error, not
      // "no such column".
      var line = 0
      var start = 0
      while start < bytes.count {
        line += 1
        let end = bytes[start...].firstIndex(of: 0x0A) ?? bytes.count
        let text = bytes[start..<end]
        start = end + 1
        guard !text.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) else { continue }
        let value: JSONValue
        do { value = try JSONValue.parse(text) } catch {
          throw InputError(file: file, line: line, "not a JSON object (\(error.reason))")
        }
        guard case .object = value else { throw InputError(file: file, line: line, "not a JSON object") }
        break
      }
    } else {
      // JSON Lines are checked by the JSON parser; CSV is checked here, once, so that no text
      // is stored with U+FFFD in place of what the file held.
      if let offset = TextBytes.firstInvalidUTF8(bytes) {
        throw InputError(file: file, line: TextBytes.line(of: offset, in: bytes), "not valid UTF-8 (byte \(offset + 1)); save the file as UTF-8")
      }
      var position = 0
      let first = try TabularInput.nextRecord(bytes, &position, file: file, line: 1)
      header = first.fields.map { String(decoding: $0, as: UTF8.self).trimmingSpaces }
      var seen = Set<String>()
      for name in header where !seen.insert(name).inserted {
        throw InputError(file: file, line: 1, "the header names the column '\(name)' twice; every column needs its own name")
      }
      dataStart = position
    }
  }

  /// The file's bytes as they are stored, byte-order mark included.
  var fileBytes: [UInt8] { hadBOM ? [0xEF, 0xBB, 0xBF] + bytes : bytes }

  /// The column names: a CSV file's header, or the keys of a JSON Lines file's first object.
  public var columnNames: [String] {
    guard isJSONLines else { return header }
    for line in bytes.split(separator: 0x0A) where !line.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) {
      return (try? JSONValue.parse(line))?.objectValue.map { $0.keys.sorted() } ?? []
    }
    return []
  }

  /// Calls `body` with each data row's line number and fields by column name (`nil` for a JSON
  /// null or an absent key; "" for an empty CSV field). `columns` are the names needed; a
  /// missing one is an error naming the header.
  public func forEachRow(columns: [String], _ body: (_ line: Int, _ fields: [String?]) throws -> Void) throws {
    if isJSONLines {
      try forEachJSONLine(columns: columns, body)
      return
    }
    let indexes = try columnIndexes(columns)
    var position = 0
    var line = try TabularInput.nextRecord(bytes, &position, file: file, line: 1).lines
    while position < bytes.count {
      let recordLine = line + 1
      let (raw, lines) = try TabularInput.nextRecord(bytes, &position, file: file, line: recordLine)
      line += lines
      if raw.count == 1 && raw[0].isEmpty { continue }  // a blank line
      guard raw.count == header.count else {
        throw InputError(file: file, line: recordLine, "\(raw.count) fields, but the header has \(header.count)")
      }
      try body(recordLine, indexes.map { String(decoding: raw[$0], as: UTF8.self) })
    }
  }

  /// The positions of `columns` in the CSV header; a missing one is an error naming the header.
  /// Whether ratings come as `item,annotator,label` (mlw's raw label export) rather than
  /// `unit,coder,value`: decided by the header, or by the first JSON line's keys.
  var usesLabelColumns: Bool {
    if !isJSONLines { return !header.contains("unit") && header.contains("item") && header.contains("annotator") }
    let firstLine = bytes.prefix { $0 != 0x0A }
    guard let json = try? JSONValue.parse(firstLine) else { return false }
    return json["unit"] == nil && json["item"] != nil && json["annotator"] != nil
  }

  func columnIndexes(_ columns: [String]) throws -> [Int] {
    try columns.map { name -> Int in
      guard let index = header.firstIndex(of: name) else {
        throw InputError(
          file: file, line: 1,
          "the header needs the column '\(name)' (it has: \(header.joined(separator: ", ")))")
      }
      return index
    }
  }

  /// Reads one CSV record starting at `position`: its fields and how many lines it spanned.
  static func nextRecord(_ bytes: [UInt8], _ position: inout Int, file: String, line: Int) throws
    -> (fields: [ArraySlice<UInt8>], lines: Int)
  {
    var fields: [ArraySlice<UInt8>] = []
    var lines = 1
    var start = position
    var i = position
    var quotedBuffer: [UInt8]?
    var quotedFields: [Int: [UInt8]] = [:]
    while i < bytes.count {
      let b = bytes[i]
      if b == UInt8(ascii: "\"") && i == start {
        // A quoted field: up to the closing quote, "" stands for one quote.
        var buffer: [UInt8] = []
        i += 1
        var closed = false
        while i < bytes.count {
          if bytes[i] == UInt8(ascii: "\"") {
            if i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "\"") {
              buffer.append(UInt8(ascii: "\""))
              i += 2
              continue
            }
            closed = true
            i += 1
            break
          }
          if bytes[i] == 0x0A { lines += 1 }
          buffer.append(bytes[i])
          i += 1
        }
        guard closed else { throw InputError(file: file, line: line, "a quoted field is not closed") }
        quotedBuffer = buffer
        guard i >= bytes.count || bytes[i] == UInt8(ascii: ",") || bytes[i] == 0x0A || bytes[i] == 0x0D else {
          throw InputError(file: file, line: line + lines - 1, "text after a closing quote")
        }
        continue
      }
      if b == UInt8(ascii: ",") || b == 0x0A || b == 0x0D {
        if let buffer = quotedBuffer {
          quotedFields[fields.count] = buffer
          fields.append(bytes[0..<0])
          quotedBuffer = nil
        } else {
          fields.append(bytes[start..<i])
        }
        if b == UInt8(ascii: ",") {
          i += 1
          start = i
          continue
        }
        if b == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A { i += 1 }
        i += 1
        position = i
        return (resolve(fields, quotedFields), lines)
      }
      i += 1
    }
    if let buffer = quotedBuffer {
      quotedFields[fields.count] = buffer
      fields.append(bytes[0..<0])
    } else {
      fields.append(bytes[start..<i])
    }
    position = bytes.count
    return (resolve(fields, quotedFields), lines)
  }

  private static func resolve(_ fields: [ArraySlice<UInt8>], _ quoted: [Int: [UInt8]]) -> [ArraySlice<UInt8>] {
    guard !quoted.isEmpty else { return fields }
    var result = fields
    for (index, buffer) in quoted { result[index] = buffer[...] }
    return result
  }

  private func forEachJSONLine(columns: [String], _ body: (Int, [String?]) throws -> Void) throws {
    var line = 0
    var start = 0
    while start < bytes.count {
      line += 1
      var end = start
      while end < bytes.count && bytes[end] != 0x0A { end += 1 }
      let slice = bytes[start..<end]
      start = end + 1
      if slice.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
      let value: JSONValue
      do { value = try JSONValue.parse(slice) } catch {
        throw InputError(file: file, line: line, "not a JSON object (\(error.reason))")
      }
      guard case .object(let object) = value else { throw InputError(file: file, line: line, "not a JSON object") }
      var fields: [String?] = []
      for name in columns {
        switch object[name] {
        case nil, .null?: fields.append(nil)
        case .string(let s)?: fields.append(s)
        case .int(let i)?: fields.append(String(i))
        case .double(let d)?:
          // A whole number is its integer's text (100.0 and 1e2 are the label 100, as 100 is);
          // one too large for a double to hold exactly would merge distinct labels.
          if d.rounded() == d, d.magnitude < 9_007_199_254_740_992 {
            fields.append(String(Int64(d)))
          } else if d.rounded() == d {
            throw InputError(file: file, line: line, "'\(name)' is a number too large to read exactly (\(d)); write it as a string")
          } else {
            fields.append(String(d))
          }
        case .bool(let b)?: fields.append(String(b))
        default: throw InputError(file: file, line: line, "'\(name)' must be a string, a number or null")
        }
      }
      try body(line, fields)
    }
  }
}

extension String {
  /// Without leading and trailing spaces and tabs (header names are often padded).
  var trimmingSpaces: String {
    var s = Substring(self)
    while let first = s.first, first == " " || first == "\t" { s.removeFirst() }
    while let last = s.last, last == " " || last == "\t" { s.removeLast() }
    return String(s)
  }
}

/// Byte-level checks of text input.
enum TextBytes {
  /// `bytes` without a leading UTF-8 byte-order mark (spreadsheets write one).
  static func withoutBOM(_ bytes: [UInt8]) -> [UInt8] {
    bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? Array(bytes.dropFirst(3)) : bytes
  }

  /// The offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
  /// forms, no surrogates, nothing above U+10FFFF), or nil.
  static func firstInvalidUTF8(_ bytes: [UInt8]) -> Int? {
    var i = 0
    let n = bytes.count
    while i < n {
      let b = bytes[i]
      if b < 0x80 {
        i += 1
        continue
      }
      let length: Int
      var low: UInt8 = 0x80
      var high: UInt8 = 0xBF
      switch b {
      case 0xC2...0xDF: length = 2
      case 0xE0:
        length = 3
        low = 0xA0
      case 0xE1...0xEC, 0xEE...0xEF: length = 3
      case 0xED:
        length = 3
        high = 0x9F
      case 0xF0:
        length = 4
        low = 0x90
      case 0xF1...0xF3: length = 4
      case 0xF4:
        length = 4
        high = 0x8F
      default: return i
      }
      guard i + length <= n else { return i }
      guard (low...high).contains(bytes[i + 1]) else { return i }
      for k in 2..<max(2, length) where !(0x80...0xBF).contains(bytes[i + k]) { return i }
      i += length
    }
    return nil
  }

  /// The line (from 1) that byte `offset` is on.
  static func line(of offset: Int, in bytes: [UInt8]) -> Int {
    bytes[..<offset].reduce(1) { $0 + ($1 == 0x0A ? 1 : 0) }
  }
}
