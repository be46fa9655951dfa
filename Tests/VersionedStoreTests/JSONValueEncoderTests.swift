import Foundation
import Testing

@testable import VersionedStore

/// The direct encoder must give exactly what JSONEncoder's bytes parsed back give.
@Suite struct JSONValueEncoderTests {
  enum Level: String, Encodable { case low, high }

  struct Inner: Encodable {
    var name: String
    var weights: [Float]
    var level: Level?
  }

  struct Custom: Encodable {
    var values: [Double]
    enum Keys: String, CodingKey { case head, rest, base }
    func encode(to encoder: any Encoder) throws {
      var container = encoder.container(keyedBy: Keys.self)
      var rest = container.nestedUnkeyedContainer(forKey: .rest)
      for value in values.dropFirst() { try rest.encode(value) }
      var head = container.nestedContainer(keyedBy: Keys.self, forKey: .head)
      try head.encodeNil(forKey: .base)
      try values.first.map { try head.encode($0, forKey: .head) }
      var base = container.superEncoder().singleValueContainer()
      try base.encode(values.count)
    }
  }

  struct Sample: Encodable {
    var int: Int
    var double: Double
    var doubles: [Double?]
    var text: String?
    var date: Date
    var byName: [String: [Int8]]
    var byNumber: [Int: String]
    var big: UInt64
    var small: Int16
    var inner: Inner?
    var inners: [Inner]
    var custom: Custom
    var flag: Bool
    var json: JSONValue
  }

  static func foundation<T: Encodable>(_ value: T) throws -> JSONValue {
    let encoder = JSONEncoder()
    encoder.dateEncodingStrategy = .custom { date, encoder in
      var container = encoder.singleValueContainer()
      try container.encode(Timestamp.format(date))
    }
    return try JSONValue.parse(encoder.encode(value))
  }

  static func double(_ random: inout SystemRandomNumberGenerator) -> Double {
    switch Int.random(in: 0..<8, using: &random) {
    case 0: return Double(Int.random(in: -1_000_000...1_000_000, using: &random))
    case 1: return -0.0
    case 2: return Double.random(in: -1...1, using: &random)
    case 3: return Double.random(in: -1e300...1e300, using: &random)
    case 4: return Double(Int.random(in: 0...60, using: &random)) * 1e15
    case 5: return Double.leastNonzeroMagnitude * Double(Int.random(in: 1...9, using: &random))
    case 6: return Double(bitPattern: UInt64.random(in: 0..<0x7FF0_0000_0000_0000, using: &random))
    default: return 0.1 * Double(Int.random(in: 0...10, using: &random))
    }
  }

  static func json(_ random: inout SystemRandomNumberGenerator, depth: Int) -> JSONValue {
    switch Int.random(in: 0..<(depth > 3 ? 5 : 7), using: &random) {
    case 0: return .null
    case 1: return .bool(Bool.random(using: &random))
    case 2: return .int(Int.random(in: Int.min...Int.max, using: &random))
    case 3: return try! JSONValueEncoder.number(double(&random))
    case 4: return .string(String(repeating: "é\"\\\n", count: Int.random(in: 0...2, using: &random)))
    case 5: return .array((0..<Int.random(in: 0...3, using: &random)).map { _ in json(&random, depth: depth + 1) })
    default:
      return .object(
        Dictionary(uniqueKeysWithValues: (0..<Int.random(in: 0...3, using: &random)).map { ("k\($0)", json(&random, depth: depth + 1)) }))
    }
  }

  @Test func matchesJSONEncoderOnRandomValues() throws {
    var random = SystemRandomNumberGenerator()
    for _ in 0..<2000 {
      let inner = Inner(
        name: "n", weights: (0..<Int.random(in: 0...3)).map { _ in Float(Self.double(&random)) }.filter(\.isFinite),
        level: [nil, .low, .high].randomElement()!)
      let sample = Sample(
        int: Int.random(in: Int.min...Int.max), double: Self.double(&random),
        doubles: (0..<Int.random(in: 0...4)).map { _ in Bool.random() ? nil : Self.double(&random) },
        text: Bool.random() ? nil : "t\u{0}\u{1F}", date: Date(timeIntervalSince1970: Double(Int.random(in: 0...4_000_000_000))),
        byName: ["a": [Int8.min, 0, Int8.max], "": []], byNumber: [Int.random(in: -5...5): "x", 7: "y"],
        big: UInt64.random(in: 0...UInt64.max), small: Int16.random(in: Int16.min...Int16.max),
        inner: Bool.random() ? nil : inner, inners: [inner, inner],
        custom: Custom(values: (0..<Int.random(in: 0...3)).map { _ in Self.double(&random) }),
        flag: Bool.random(), json: Self.json(&random, depth: 0))
      let direct = try JSONValueEncoder.encode(sample)
      #expect(direct == (try Self.foundation(sample)))
      #expect(direct.canonicalString(pretty: true) == (try Self.foundation(sample)).canonicalString(pretty: true))
    }
  }

  @Test func topLevelValuesAndGivingUp() throws {
    #expect(try JSONValueEncoder.encode(2.0) == .int(2))
    #expect(try JSONValueEncoder.encode(UInt64.max) == (try Self.foundation(UInt64.max)))
    #expect(try JSONValueEncoder.encode([Float(0.1)]) == (try Self.foundation([Float(0.1)])))
    #expect(throws: JSONValueEncoder.GiveUp.self) { try JSONValueEncoder.encode(Double.nan) }
    #expect(throws: JSONValueEncoder.GiveUp.self) { try JSONValueEncoder.encode(["d": Data([1, 2])]) }
    // What gives up still encodes through JSONEncoder, errors included.
    #expect(try JSONValue(encoding: ["d": Data([1, 2])]) == .object(["d": .string("AQI=")]))
    #expect(throws: EncodingError.self) { try JSONValue(encoding: [Double.infinity]) }
  }
}
