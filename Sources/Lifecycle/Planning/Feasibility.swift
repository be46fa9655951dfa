import Foundation
import VersionedStore

/// The feasibility and impact assessment: every question of DOMAIN.md answered 1–5 by each
/// person who scored, with the data situation. Stored at `feasibility/`; each score is a new
/// version, so the history shows how the assessment moved and why. Schema:
/// `schemas/kinds/feasibility.schema.json`.
///
/// Every answer is a favourability: 5 means the question is no obstacle (data is readily
/// available, wrong predictions are cheap, the problem is well defined; for impact, a large
/// pay-off), 1 means it is a serious one.
public struct Feasibility: DocumentBody, Equatable {
  public static let kind = "feasibility"
  public static let schemaVersion = 1
  public static let path = RecordPath(trusted: ["feasibility"])

  public struct Question: Sendable {
    public let id: String
    public let driver: String
    public let text: String
  }

  /// DOMAIN.md's questions: the three cost drivers, then impact.
  public static let questions: [Question] = [
    Question(id: "data.acquisition", driver: "data", text: "How hard is it to acquire data?"),
    Question(id: "data.labeling-cost", driver: "data", text: "How expensive is labeling?"),
    Question(id: "data.amount", driver: "data", text: "How much data will be needed?"),
    Question(id: "data.stability", driver: "data", text: "How stable is the data?"),
    Question(id: "data.security", driver: "data", text: "What are the data-security requirements?"),
    Question(id: "accuracy.error-cost", driver: "accuracy", text: "How costly are wrong predictions?"),
    Question(id: "accuracy.frequency", driver: "accuracy", text: "How often must the system be right to be useful?"),
    Question(id: "accuracy.ethics", driver: "accuracy", text: "What are the ethical implications?"),
    Question(id: "difficulty.definition", driver: "difficulty", text: "Is the problem well defined?"),
    Question(id: "difficulty.prior-work", driver: "difficulty", text: "Is there good published work on similar problems?"),
    Question(id: "difficulty.training-compute", driver: "difficulty", text: "What compute does training need?"),
    Question(id: "difficulty.deployment-compute", driver: "difficulty", text: "What compute is available at deployment?"),
    Question(id: "difficulty.human", driver: "difficulty", text: "Can a human do it?"),
    Question(id: "impact.cheap-prediction", driver: "impact", text: "Where can cheap prediction pay off?"),
    Question(id: "impact.friction", driver: "impact", text: "Is there friction in the product this removes?"),
    Question(id: "impact.automation", driver: "impact", text: "Can a complicated manual process be automated?"),
    Question(id: "impact.peers", driver: "impact", text: "What are others doing: does it pay off for them?"),
  ]

  /// The data situation.
  public static let situations = ["labelled", "weak-labels", "unlabelled", "must-collect"]

  public struct Answer: Codable, Sendable, Equatable {
    public var score: Int
    public var note: String?

    public init(score: Int, note: String?) {
      self.score = score
      self.note = note
    }
  }

  /// One person's scores.
  public struct Scorer: Codable, Sendable, Equatable {
    public var role: String
    public var answers: [String: Answer]
    public var situation: String?

    public init(role: String, answers: [String: Answer], situation: String?) {
      self.role = role
      self.answers = answers
      self.situation = situation
    }
  }

  /// Person → their scores.
  public var scorers: [String: Scorer]

  public init(scorers: [String: Scorer] = [:]) {
    self.scorers = scorers
  }

  /// Checks a question id, with the list in the error.
  public static func checkQuestion(_ id: String) throws {
    guard questions.contains(where: { $0.id == id }) else {
      throw LifecycleError.invalidValue(
        what: "question", reason: "unknown question '\(id)'; the questions are \(questions.map(\.id).joined(separator: ", "))")
    }
  }
}

/// The scores an assessment comes to.
public struct FeasibilitySummary: Sendable, Encodable, Equatable {
  public struct QuestionSummary: Sendable, Encodable, Equatable {
    public var id: String
    public var driver: String
    public var text: String
    /// Mean over the people who answered it.
    public var mean: Double?
    public var scores: [String: Int]
    /// max − min across people: how much they disagree.
    public var spread: Int
    public var lowest: [String]
    public var highest: [String]
    public var notes: [String: String]
  }

  public var scorers: [String]
  /// Driver (data, accuracy, difficulty, impact) → mean of its answered questions' means.
  public var drivers: [String: Double]
  /// 1–5: see `overallFormula`.
  public var feasibility: Double?
  public var impact: Double?
  public var situation: [String: String]
  public var questions: [QuestionSummary]
  /// Questions the scorers disagree on (spread ≥ `disagreementSpread`), most first.
  public var disagreements: [String]
  /// Scores two or more points apart are a disagreement worth talking about; one point apart on
  /// a 1–5 scale is how people score the same view.
  public static let disagreementSpread = 2
  public var unanswered: [String]
  public var overallFormula: String

  public static let formula = """
    cost of a driver c = (5 − score)/4, in [0, 1]; the accuracy requirement's cost is (2^(4c) − 1)/15, \
    so each step of requirement doubles its cost (the last step costs as much as all before it), as \
    DOMAIN.md says cost grows super-linearly with the accuracy required; feasibility = 5 − 4 × the mean \
    of the three costs, in [1, 5]
    """

  /// Summarises an assessment.
  public init(_ record: Feasibility) {
    scorers = record.scorers.keys.sorted()
    situation = record.scorers.compactMapValues(\.situation)
    var perDriver: [String: [Double]] = [:]
    var summaries: [QuestionSummary] = []
    var unanswered: [String] = []
    for question in Feasibility.questions {
      var scores: [String: Int] = [:]
      var notes: [String: String] = [:]
      for (person, scorer) in record.scorers {
        if let answer = scorer.answers[question.id] {
          scores[person] = answer.score
          if let note = answer.note { notes[person] = note }
        }
      }
      let values = scores.values
      let mean = values.isEmpty ? nil : Double(values.reduce(0, +)) / Double(values.count)
      if let mean { perDriver[question.driver, default: []].append(mean) } else { unanswered.append(question.id) }
      let lo = values.min() ?? 0
      let hi = values.max() ?? 0
      summaries.append(
        QuestionSummary(
          id: question.id, driver: question.driver, text: question.text, mean: mean, scores: scores, spread: hi - lo,
          lowest: scores.filter { $0.value == lo }.map(\.key).sorted(), highest: scores.filter { $0.value == hi }.map(\.key).sorted(),
          notes: notes))
    }
    drivers = perDriver.mapValues { $0.reduce(0, +) / Double($0.count) }
    questions = summaries
    self.unanswered = unanswered
    disagreements = summaries.filter { $0.spread >= FeasibilitySummary.disagreementSpread }.sorted { ($0.spread, $1.id) > ($1.spread, $0.id) }.map(
      \.id)
    overallFormula = FeasibilitySummary.formula
    if let d = drivers["data"], let a = drivers["accuracy"], let p = drivers["difficulty"] {
      feasibility = FeasibilitySummary.overall(data: d, accuracy: a, difficulty: p)
    }
    impact = drivers["impact"]
  }

  /// The overall feasibility from the three driver scores (see `formula`).
  public static func overall(data: Double, accuracy: Double, difficulty: Double) -> Double {
    func cost(_ score: Double) -> Double { (5 - score) / 4 }
    let accuracyCost = (pow(2, 4 * cost(accuracy)) - 1) / 15
    let mean = (cost(data) + accuracyCost + cost(difficulty)) / 3
    return ((5 - 4 * mean) * 1e10).rounded() / 1e10
  }
}

extension Workspace {
  /// The assessment and its version (empty at version 0).
  public func feasibility() throws -> (Feasibility, Int) {
    let latest = try documents.latestVersion(of: Feasibility.path)
    guard latest > 0 else { return (Feasibility(), 0) }
    return (try documents.read(Feasibility.path, version: latest).body(as: Feasibility.self), latest)
  }

  /// Records `actor`'s answers (merged into their earlier ones) as a new version.
  @discardableResult
  public func scoreFeasibility(
    answers: [String: Feasibility.Answer], situation: String?, actor: Actor, message: String?, ifVersion: Int?, now: Date
  ) throws -> (Feasibility, Int) {
    guard !answers.isEmpty || situation != nil else {
      throw LifecycleError.invalidValue(what: "score", reason: "give at least one --answer QUESTION=SCORE or --situation")
    }
    for (id, answer) in answers {
      try Feasibility.checkQuestion(id)
      guard (1...5).contains(answer.score) else {
        throw LifecycleError.invalidValue(what: "--answer", reason: "\(id)=\(answer.score) is outside 1 to 5")
      }
    }
    if let situation, !Feasibility.situations.contains(situation) {
      throw LifecycleError.invalidValue(what: "--situation", reason: "'\(situation)' is not one of \(Feasibility.situations.joined(separator: ", "))")
    }
    var (record, version) = try feasibility()
    var scorer = record.scorers[actor.name] ?? .init(role: actor.role.rawValue, answers: [:], situation: nil)
    scorer.role = actor.role.rawValue
    scorer.answers.merge(answers) { $1 }
    if let situation { scorer.situation = situation }
    record.scorers[actor.name] = scorer
    let stored = try publish(
      Feasibility.path, record, actor: actor, message: message ?? "\(actor.name) scores \(answers.keys.sorted().joined(separator: ", "))",
      expecting: ifVersion ?? version, now: now)
    return (record, stored.envelope.version)
  }

  /// How the scores moved: version, author, message and the overall figures of each version.
  public func feasibilityHistory() throws -> [FeasibilityStep] {
    let latest = try documents.latestVersion(of: Feasibility.path)
    guard latest > 0 else { return [] }
    return try documents.history(Feasibility.path).map { stored in
      let summary = FeasibilitySummary(try stored.body(as: Feasibility.self))
      return FeasibilityStep(
        version: stored.envelope.version, author: stored.envelope.author, time: stored.envelope.time, message: stored.envelope.message,
        feasibility: summary.feasibility, impact: summary.impact)
    }
  }
}

/// One step of the assessment's history.
public struct FeasibilityStep: Sendable, Encodable, Equatable {
  public var version: Int
  public var author: String
  public var time: Date
  public var message: String
  public var feasibility: Double?
  public var impact: Double?
}
