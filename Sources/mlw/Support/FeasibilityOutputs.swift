import ArgumentParser
import Foundation
import Lifecycle

/// The options of `feasibility score`, shared by the lead's and the SME's commands.
struct FeasibilityScoreOptions: ParsableArguments {
  @Option(
    name: .customLong("answer"),
    help: "QUESTION=SCORE, 1 (a serious obstacle) to 5 (no obstacle); repeatable. 'mlw lead feasibility show' lists the questions.")
  var answers: [String] = []

  @Option(name: .customLong("note"), help: "QUESTION=TEXT, why you answered so (repeatable).")
  var notes: [String] = []

  @Option(help: "The data situation: labelled, weak-labels, unlabelled or must-collect.")
  var situation: String?

  @Option(help: "Why; recorded in the history.") var message: String?
  @Option(help: "Fail unless the assessment is still at this version.") var ifVersion: Int?

  func parsedAnswers() throws -> [String: Feasibility.Answer] {
    var noteOf: [String: String] = [:]
    for text in notes {
      let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
      guard parts.count == 2 else { throw LifecycleError.invalidValue(what: "--note", reason: "'\(text)' is not QUESTION=TEXT") }
      try Feasibility.checkQuestion(parts[0])
      noteOf[parts[0]] = parts[1]
    }
    var result: [String: Feasibility.Answer] = [:]
    for text in answers {
      let parts = text.split(separator: "=", maxSplits: 1).map { String($0).trimmingCharacters(in: .whitespaces) }
      guard parts.count == 2, let score = Int(parts[1]) else {
        throw LifecycleError.invalidValue(what: "--answer", reason: "'\(text)' is not QUESTION=SCORE with a whole number from 1 to 5")
      }
      try Feasibility.checkQuestion(parts[0])
      result[parts[0]] = .init(score: score, note: noteOf[parts[0]])
    }
    if let orphan = noteOf.keys.first(where: { result[$0] == nil }) {
      throw LifecycleError.invalidValue(what: "--note", reason: "'\(orphan)' has a note but no --answer")
    }
    return result
  }
}

/// What the feasibility commands print.
struct FeasibilityOutput: CommandOutput {
  var version: Int
  var summary: FeasibilitySummary
  var history: [FeasibilityStep]

  func render() -> String {
    guard version > 0 else {
      return "no feasibility scores yet: the lead and the SME score (mlw lead feasibility score --answer data.acquisition=4 …)\n"
        + "questions:\n" + Feasibility.questions.map { "  \($0.id): \($0.text)\n" }.joined()
    }
    func f(_ x: Double?) -> String { x.map { String(format: "%.2f", $0) } ?? "-" }
    var text = "feasibility v\(version), scored by \(summary.scorers.joined(separator: ", "))\n\n"
    var questions = TextTable(
      ["QUESTION", "MEAN"] + summary.scorers.map { $0.uppercased() } + ["SPREAD"],
      alignments: [.left, .right] + summary.scorers.map { _ in .right } + [.right])
    for q in summary.questions {
      questions.add([q.id, f(q.mean)] + summary.scorers.map { q.scores[$0].map(String.init) ?? "-" } + [q.scores.count > 1 ? String(q.spread) : "-"])
    }
    text += questions.render() + "\n"
    var drivers = TextTable(["DRIVER", "SCORE"], alignments: [.left, .right])
    for d in ["data", "accuracy", "difficulty"] { drivers.add([d, f(summary.drivers[d])]) }
    drivers.add(["feasibility (overall)", f(summary.feasibility)])
    drivers.add(["impact", f(summary.impact)])
    text += drivers.render()
    if !summary.situation.isEmpty {
      text += "data situation: " + summary.situation.keys.sorted().map { "\($0): \(summary.situation[$0]!)" }.joined(separator: ", ") + "\n"
    }
    for id in summary.disagreements.prefix(10) {
      let q = summary.questions.first { $0.id == id }!
      text += "disagreement on \(id) (spread \(q.spread)): lowest \(q.lowest.joined(separator: ", ")), highest \(q.highest.joined(separator: ", "))\n"
    }
    if summary.disagreements.count > 10 {
      text +=
        "and \(summary.disagreements.count - 10) more questions with a spread of \(FeasibilitySummary.disagreementSpread) or more (--json lists them all)\n"
    }
    if !summary.unanswered.isEmpty { text += "unanswered: \(summary.unanswered.joined(separator: ", "))\n" }
    if history.count > 1 {
      text += "\nhow it moved:\n"
      var table = TextTable(["VERSION", "BY", "FEASIBILITY", "IMPACT", "MESSAGE"], alignments: [.right, .left, .right, .right, .left])
      for step in history { table.add([String(step.version), step.author, f(step.feasibility), f(step.impact), step.message]) }
      text += table.render(indent: "  ")
    }
    return text + "formula: \(summary.overallFormula)\n"
  }
}

enum FeasibilityCommands {
  static func score(_ options: FeasibilityScoreOptions, _ context: CommandContext) throws -> FeasibilityOutput {
    let workspace = try context.requireWorkspace()
    let (record, version) = try workspace.scoreFeasibility(
      answers: try options.parsedAnswers(), situation: options.situation, actor: try context.requireActor(), message: options.message,
      ifVersion: options.ifVersion, now: context.now)
    return FeasibilityOutput(version: version, summary: FeasibilitySummary(record), history: try workspace.feasibilityHistory())
  }

  static func show(_ context: CommandContext) throws -> FeasibilityOutput {
    let workspace = try context.requireWorkspace()
    let (record, version) = try workspace.feasibility()
    return FeasibilityOutput(version: version, summary: FeasibilitySummary(record), history: try workspace.feasibilityHistory())
  }
}
