import Foundation
import Testing

@testable import Lifecycle

@Suite struct PlanningTests {
  @Test func overallFeasibilityWeighsTheAccuracyRequirementSuperLinearly() {
    #expect(FeasibilitySummary.overall(data: 5, accuracy: 5, difficulty: 5) == 5)
    #expect(FeasibilitySummary.overall(data: 1, accuracy: 1, difficulty: 1) == 1)
    // Each step of accuracy requirement costs more than the one before.
    let steps = [5.0, 4, 3, 2, 1].map { FeasibilitySummary.overall(data: 5, accuracy: $0, difficulty: 5) }
    let drops = zip(steps, steps.dropFirst()).map { $0 - $1 }
    #expect(drops == drops.sorted() && Set(drops).count == 4)
    // Versus a linear driver: the same step at the strict end costs more on accuracy than on data.
    #expect(FeasibilitySummary.overall(data: 5, accuracy: 1, difficulty: 5) < FeasibilitySummary.overall(data: 1, accuracy: 5, difficulty: 5) + 1e-9)
    #expect(abs(FeasibilitySummary.overall(data: 3, accuracy: 2, difficulty: 4.5) - 3.5444444444) < 1e-9)
  }

  @Test func spreadNamesWhoDisagrees() {
    let record = Feasibility(scorers: [
      "ana": .init(
        role: "lead", answers: ["data.acquisition": .init(score: 5, note: nil), "impact.friction": .init(score: 3, note: nil)], situation: "labelled"),
      "sam": .init(
        role: "sme", answers: ["data.acquisition": .init(score: 2, note: "vendor images only"), "impact.friction": .init(score: 3, note: nil)],
        situation: nil),
    ])
    let summary = FeasibilitySummary(record)
    #expect(summary.disagreements == ["data.acquisition"])
    let q = summary.questions.first { $0.id == "data.acquisition" }!
    #expect(q.spread == 3 && q.lowest == ["sam"] && q.highest == ["ana"] && q.mean == 3.5)
    #expect(summary.impact == 3 && summary.feasibility == nil)  // accuracy and difficulty unanswered
    #expect(summary.unanswered.contains("accuracy.error-cost"))
  }

  @Test func readinessScoreIsTheWeakestSection() {
    var readiness = Readiness()
    #expect(readiness.score == 0 && Readiness.band(0) == "research project")
    for section in ["data", "model", "infrastructure", "monitoring"] {
      readiness.tests["\(section).1"] = .init(status: "automated", evidence: "ci")
      readiness.tests["\(section).2"] = .init(status: "manual", evidence: "doc")
    }
    readiness.tests["data.3"] = .init(status: "automated", evidence: "ci")
    #expect(readiness.sectionScores["data"] == 2.5 && readiness.sectionScores["model"] == 1.5)
    #expect(readiness.score == 1.5)
    #expect(Readiness.band(1.5).hasPrefix("a first pass"))
    #expect(Readiness.testIDs.count == 28)
  }
}
