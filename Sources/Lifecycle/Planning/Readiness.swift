import Foundation
import VersionedStore

/// The ML Test Score (Breck et al., 2017): 28 tests in four sections, each not done, run by hand
/// with the result written down (0.5), or automated and run repeatedly (1). A section's score is
/// its sum; the overall score is the minimum of the four. Stored at `readiness/`. Schema:
/// `schemas/kinds/readiness.schema.json`.
public struct Readiness: DocumentBody, Equatable {
  public static let kind = "readiness"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["readiness"])

  public static let sections: [(id: String, tests: [String])] = [
    (
      "data",
      [
        "feature expectations are captured in a schema", "all features are beneficial", "no feature's cost is too much",
        "features adhere to meta-level requirements", "the data pipeline has appropriate privacy controls",
        "new features can be added quickly", "all input feature code is tested",
      ]
    ),
    (
      "model",
      [
        "model specs are reviewed and submitted", "offline and online metrics correlate", "all hyperparameters have been tuned",
        "the impact of model staleness is known", "a simpler model is not better", "model quality is sufficient on important data slices",
        "the model is tested for considerations of inclusion",
      ]
    ),
    (
      "infrastructure",
      [
        "training is reproducible", "model specs are unit tested", "the ML pipeline is integration tested",
        "model quality is validated before serving", "the model is debuggable", "models are canaried before serving",
        "serving models can be rolled back",
      ]
    ),
    (
      "monitoring",
      [
        "dependency changes result in notification", "data invariants hold for inputs", "training and serving are not skewed",
        "models are not too stale", "models are numerically stable", "computing performance has not regressed",
        "prediction quality has not regressed",
      ]
    ),
  ]

  /// Every test id: `data.1` … `monitoring.7`.
  public static var testIDs: [String] { sections.flatMap { section in (1...7).map { "\(section.id).\($0)" } } }

  public static let statuses = ["not-done", "manual", "automated"]

  public struct Entry: Codable, Sendable, Equatable {
    public var status: String
    public var evidence: String?

    public init(status: String, evidence: String?) {
      self.status = status
      self.evidence = evidence
    }

    var points: Double { status == "automated" ? 1 : status == "manual" ? 0.5 : 0 }
  }

  /// Test id → its state; a test absent here is not done.
  public var tests: [String: Entry]

  public init(tests: [String: Entry] = [:]) {
    self.tests = tests
  }

  /// Section → sum of points.
  public var sectionScores: [String: Double] {
    Dictionary(
      uniqueKeysWithValues: Readiness.sections.map { section in
        (section.id, (1...7).reduce(0.0) { $0 + (tests["\(section.id).\($1)"]?.points ?? 0) })
      })
  }

  /// The minimum of the four section sums.
  public var score: Double { sectionScores.values.min() ?? 0 }

  /// Breck et al.'s interpretation of a score.
  public static func band(_ score: Double) -> String {
    switch score {
    case ..<0.5: "research project"
    case ...1: "not totally untested"
    case ...2: "a first pass at basic productionisation, but more investment may be needed"
    case ...3: "reasonably tested, but more tests and procedures may be automated"
    case ...5: "strong levels of automated testing and monitoring, appropriate for mission-critical systems"
    default: "exceptional levels of automated testing and monitoring"
    }
  }
}

extension Workspace {
  public func readiness() throws -> (Readiness, Int) {
    let latest = try documents.latestVersion(of: Readiness.path)
    guard latest > 0 else { return (Readiness(), 0) }
    return (try documents.read(Readiness.path, version: latest).body(as: Readiness.self), latest)
  }

  /// Updates the given tests (others keep their state) as a new version.
  @discardableResult
  public func setReadiness(_ changes: [String: Readiness.Entry], actor: Actor, message: String?, ifVersion: Int?, now: Date) throws
    -> (Readiness, Int)
  {
    guard !changes.isEmpty else { throw LifecycleError.invalidValue(what: "readiness", reason: "give at least one --test ID=STATUS") }
    let known = Set(Readiness.testIDs)
    for (id, entry) in changes {
      guard known.contains(id) else {
        throw LifecycleError.invalidValue(
          what: "--test", reason: "unknown test '\(id)'; tests are data.1 … data.7, model.1 …, infrastructure.1 …, monitoring.1 … monitoring.7")
      }
      guard Readiness.statuses.contains(entry.status) else {
        throw LifecycleError.invalidValue(what: "--test", reason: "'\(entry.status)' is not one of \(Readiness.statuses.joined(separator: ", "))")
      }
      if entry.status != "not-done", (entry.evidence ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
        throw LifecycleError.invalidValue(what: "--evidence", reason: "\(id) is \(entry.status): say where the evidence is (--evidence \(id)=…)")
      }
    }
    var (record, version) = try readiness()
    record.tests.merge(changes) { $1 }
    let stored = try publish(
      Readiness.path, record, actor: actor,
      message: message ?? "readiness: " + changes.keys.sorted().map { "\($0) \(changes[$0]!.status)" }.joined(separator: ", "),
      expecting: ifVersion ?? version, now: now)
    return (record, stored.envelope.version)
  }
}
