import Foundation
import VersionedStore

/// What the project is: the problem, the SME's business goal, the kind of ML system, how it
/// will be deployed, and when it succeeds (DOMAIN.md, "Planning"). Stored at `scope/`.
/// Schema: `schemas/kinds/scope.schema.json`.
public struct Scope: DocumentBody, Equatable {
  public static let kind = "scope"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["scope"])

  /// The choices DOMAIN.md lists, by field.
  public static let choices: [String: [String]] = [
    "archetype": ["software-2.0", "human-in-the-loop", "autonomous"],
    "learningType": ["supervised", "unsupervised", "semi-supervised", "weakly-supervised", "reinforcement"],
    "approach": ["discriminative", "generative"],
    "domain": ["vision", "language", "speech", "recommendation", "time-series", "anomaly-detection"],
    "dataForm": ["structured", "semi-structured", "unstructured"],
    "deploymentForm": ["server-streaming", "server-batch", "on-device", "browser"],
    "designStage": ["rule-based", "simple-staged-model", "end-to-end-model"],
  ]

  /// The SME's business goal and KPI.
  public struct Goal: Codable, Sendable, Equatable {
    public var business: String
    public var kpi: String
    public var target: String
    /// `YYYY-MM-DD`.
    public var by: String

    public init(business: String, kpi: String, target: String, by: String) {
      self.business = business
      self.kpi = kpi
      self.target = target
      self.by = by
    }
  }

  public struct Deployment: Codable, Sendable, Equatable {
    public var form: String?
    public var latency: String?
    public var inferenceCompute: String?
    public var privacy: String?
  }

  public struct Milestone: Codable, Sendable, Equatable {
    public var name: String
    public var date: String

    public init(name: String, date: String) {
      self.name = name
      self.date = date
    }
  }

  public var problem: String?
  public var goal: Goal?
  public var archetype: String?
  public var learningType: String?
  public var approach: String?
  public var domain: String?
  public var dataForm: String?
  /// Where on the design ladder the project starts: a rule baseline, a simple staged model, or
  /// an end-to-end model (only with the data and resources to match).
  public var designStage: String?
  public var deployment: Deployment
  public var successCriteria: [String]
  public var milestones: [Milestone]

  public init() {
    deployment = Deployment()
    successCriteria = []
    milestones = []
  }

  /// Checks every choice against DOMAIN.md's lists and every date.
  public func validate() throws {
    let given: [(String, String?)] = [
      ("archetype", archetype), ("learningType", learningType), ("approach", approach), ("domain", domain),
      ("dataForm", dataForm), ("deploymentForm", deployment.form), ("designStage", designStage),
    ]
    for (field, value) in given {
      guard let value else { continue }
      let allowed = Scope.choices[field]!
      guard allowed.contains(value) else {
        throw LifecycleError.invalidValue(what: field, reason: "'\(value)' is not one of \(allowed.joined(separator: ", "))")
      }
    }
    if let goal, !Baseline.isDate(goal.by) {
      throw LifecycleError.invalidValue(what: "--by", reason: "'\(goal.by)' is not a date like 2027-03-31")
    }
    for milestone in milestones where !Baseline.isDate(milestone.date) {
      throw LifecycleError.invalidValue(what: "--milestone", reason: "'\(milestone.date)' is not a date like 2027-03-31")
    }
  }

  /// What a stored scope still lacks, for `show` and `status`.
  public var missing: [String] {
    var result: [String] = []
    if problem == nil { result.append("the problem statement (lead)") }
    if goal == nil { result.append("the business goal and KPI (SME: mlw sme goal set)") }
    if successCriteria.isEmpty { result.append("success criteria (lead)") }
    if archetype == nil { result.append("the archetype (lead)") }
    return result
  }
}

extension Workspace {
  /// The scope and its version (a blank scope at version 0 before anyone wrote it).
  public func scope() throws -> (Scope, Int) {
    let latest = try documents.latestVersion(of: Scope.path)
    guard latest > 0 else { return (Scope(), 0) }
    return (try documents.read(Scope.path, version: latest).body(as: Scope.self), latest)
  }

  /// Read-modify-write of the scope: `change` edits what it is given; the result is validated
  /// and published on top of the version read (or `ifVersion`).
  @discardableResult
  public func updateScope(actor: Actor, message: String, ifVersion: Int?, now: Date, _ change: (inout Scope) throws -> Void) throws
    -> (Scope, Int)
  {
    var (scope, version) = try scope()
    try change(&scope)
    try scope.validate()
    let stored = try publish(Scope.path, scope, actor: actor, message: message, expecting: ifVersion ?? version, now: now)
    return (scope, stored.envelope.version)
  }
}
