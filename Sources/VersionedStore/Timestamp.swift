import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// UTC times as stored: `2026-11-22T10:15:00Z` (whole seconds; a fraction is accepted on read).
public enum Timestamp {
  /// Formats `date` as ISO-8601 UTC with a `Z`, truncated to whole seconds.
  public static func format(_ date: Date) -> String {
    var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
    var parts = tm()
    gmtime_r(&seconds, &parts)
    func pad(_ value: Int32, _ width: Int) -> String {
      let text = String(value)
      return String(repeating: "0", count: max(0, width - text.count)) + text
    }
    return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
      + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))Z"
  }

  /// Whether `b[range]` is a time `parse` reads: the same checks, without making the date (for
  /// scanners that read a million lines).
  public static func isWellFormed(_ b: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> Bool {
    let n = range.count
    guard n >= 20, b[range.upperBound - 1] == UInt8(ascii: "Z") else { return false }
    let s = range.lowerBound
    func number(_ from: Int, _ count: Int) -> Int? {
      var value = 0
      for i in (s + from)..<(s + from + count) {
        guard b[i] >= 48, b[i] <= 57 else { return nil }
        value = value * 10 + Int(b[i] - 48)
      }
      return value
    }
    guard b[s + 4] == UInt8(ascii: "-"), b[s + 7] == UInt8(ascii: "-"), b[s + 10] == UInt8(ascii: "T"), b[s + 13] == UInt8(ascii: ":"),
      b[s + 16] == UInt8(ascii: ":"), number(0, 4) != nil, let month = number(5, 2), let day = number(8, 2), let hour = number(11, 2),
      let minute = number(14, 2), let second = number(17, 2), (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60,
      second < 61
    else { return false }
    guard n > 20 else { return true }
    guard b[s + 19] == UInt8(ascii: "."), n > 21 else { return false }
    return ((s + 20)..<(range.upperBound - 1)).allSatisfy { b[$0] >= 48 && b[$0] <= 57 }
  }

  /// Parses `YYYY-MM-DDTHH:MM:SS[.fraction]Z`; anything else is nil.
  public static func parse(_ text: String) -> Date? {
    let bytes = Array(text.utf8)
    guard bytes.count >= 20, bytes.last == UInt8(ascii: "Z") else { return nil }
    func number(_ range: Range<Int>) -> Int32? {
      var value: Int32 = 0
      for i in range {
        let b = bytes[i]
        guard b >= 48, b <= 57 else { return nil }
        value = value * 10 + Int32(b - 48)
      }
      return value
    }
    guard bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"), bytes[10] == UInt8(ascii: "T"),
      bytes[13] == UInt8(ascii: ":"), bytes[16] == UInt8(ascii: ":"),
      let year = number(0..<4), let month = number(5..<7), let day = number(8..<10),
      let hour = number(11..<13), let minute = number(14..<16), let second = number(17..<19),
      (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61
    else { return nil }
    var fraction = 0.0
    if bytes.count > 20 {
      let digits = bytes[20..<(bytes.count - 1)]
      guard bytes[19] == UInt8(ascii: "."), !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
        let value = Double("0." + String(decoding: digits, as: UTF8.self))
      else { return nil }
      fraction = value
    }
    var parts = tm()
    parts.tm_year = year - 1900
    parts.tm_mon = month - 1
    parts.tm_mday = day
    parts.tm_hour = hour
    parts.tm_min = minute
    parts.tm_sec = second
    let seconds = timegm(&parts)
    return Date(timeIntervalSince1970: Double(seconds) + fraction)
  }
}
