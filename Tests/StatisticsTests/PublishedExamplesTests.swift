import Foundation
import Testing

@testable import Statistics

/// The published worked examples of shared/testdata/agreement.json (copied to Fixtures/),
/// every expected figure within 1e-6.
@Suite struct PublishedExamplesTests {
  struct Case {
    var name: String
    var json: [String: Any]
    var expected: [String: Any] { json["expected"] as! [String: Any] }
  }

  static var cases: [Case] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/agreement.json")
    let root = try! JSONSerialization.jsonObject(with: Data(contentsOf: url)) as! [String: Any]
    return (root["cases"] as! [[String: Any]]).map { Case(name: $0["name"] as! String, json: $0) }
  }

  static func text(_ value: Any) -> String? {
    switch value {
    case is NSNull: return nil
    case let s as String: return s
    case let n as NSNumber: return n.stringValue
    default: return "\(value)"
    }
  }

  /// coders × units, from either layout of the fixture.
  static func table(_ c: Case) throws -> RatingTable? {
    if let ratings = c.json["ratings"] as? [[Any]] {
      return try RatingTable(codersByUnits: ratings.map { $0.map(text) })
    }
    if let units = c.json["ratingsUnitsByCoders"] as? [[Any]] {
      let slots = units[0].count
      return try RatingTable(codersByUnits: (0..<slots).map { s in units.map { text($0[s]) } })
    }
    return nil
  }

  static func estimate(_ key: String, _ c: Case, _ table: RatingTable?) -> Estimate {
    if let contingency = c.json["contingency"] as? [[Double]] {
      switch key {
      case "cohenKappa": return Agreement.cohenKappa(contingency: contingency)
      case "cohenKappa.linear": return Agreement.cohenKappa(contingency: contingency, weighting: .linear)
      case "cohenKappa.quadratic": return Agreement.cohenKappa(contingency: contingency, weighting: .quadratic)
      default:
        Issue.record("no rule for \(key)")
        return .undefined("")
      }
    }
    let table = table!
    let counts = UnitCounts(table)
    switch key {
    case let k where k.hasPrefix("krippendorffAlpha."):
      let level = MeasurementLevel(rawValue: String(k.dropFirst("krippendorffAlpha.".count)))!
      return Agreement.krippendorffAlpha(counts, level: level, values: table.numericValues)
    case "gwetAC1": return Agreement.gwetAC(counts)
    case "fleissKappa", "fleissKappa.generalized": return Agreement.fleissKappa(counts)
    case "brennanPrediger", "randolphKappa": return Agreement.brennanPrediger(counts)
    case "congerKappa": return Agreement.congerKappa(table)
    case "cohenKappa": return Agreement.cohenKappa(table, coders: 0, 1)
    default:
      Issue.record("no rule for \(key)")
      return .undefined("")
    }
  }

  @Test(arguments: cases.map(\.name))
  func matchesThePublishedFigures(_ name: String) throws {
    let c = Self.cases.first { $0.name == name }!
    let table = try Self.table(c)
    #expect(!c.expected.isEmpty)
    for (key, expected) in c.expected {
      let got = Self.estimate(key, c, table)
      if let number = expected as? Double {
        let value = try #require(got.value, "\(name) \(key): \(got)")
        #expect(abs(value - number) < 1e-6, "\(name) \(key): \(value) vs \(number)")
      } else {
        #expect(expected as? String == "undefined")
        guard case .undefined(let reason) = got else {
          Issue.record("\(name) \(key) should be undefined, got \(got)")
          continue
        }
        #expect(!reason.isEmpty)
      }
    }
  }

  @Test func theDegenerateCaseIsUndefinedForEveryCoefficientWithAReason() throws {
    let table = try RatingTable(codersByUnits: [["x", "x", "x"], ["x", "x", "x"]])
    let report = AgreementReport.analyze(table, level: .nominal, coderNames: ["a", "b"], bootstrap: 50, seed: 7)
    for estimate in [
      report.krippendorffAlpha, report.fleissKappa, report.randolphKappa, report.cohenKappa!, report.gwetAC1, report.brennanPrediger,
      report.congerKappa,
    ] {
      guard case .undefined(let reason) = estimate else {
        Issue.record("expected undefined, got \(estimate)")
        continue
      }
      #expect(reason.count > 10)
    }
    #expect(report.percentAgreement == .value(1))
  }
}
