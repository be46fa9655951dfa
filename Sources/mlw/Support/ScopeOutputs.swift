import Foundation
import Lifecycle

/// What the scope commands print.
struct ScopeOutput: CommandOutput {
  var version: Int
  var scope: Scope
  var missing: [String]

  init(version: Int, scope: Scope) {
    self.version = version
    self.scope = scope
    missing = scope.missing
  }

  func render() -> String {
    guard version > 0 else { return "no scope yet: the lead writes it (mlw lead scope set --problem …)\n" }
    var table = TextTable(["FIELD", "VALUE"])
    func row(_ name: String, _ value: String?) { if let value { table.add([name, value]) } }
    // An empty joined value is a row left out.
    func nonEmpty(_ text: String) -> String? { text.isEmpty ? nil : text }
    row("problem", scope.problem)
    if let goal = scope.goal {
      row("business goal", goal.business)
      row("KPI", "\(goal.kpi): \(goal.target) by \(goal.by)")
    }
    row("archetype", scope.archetype)
    row("learning", nonEmpty([scope.learningType, scope.approach].compactMap { $0 }.joined(separator: ", ")))
    row("domain", scope.domain)
    row("data form", scope.dataForm)
    row("design stage", scope.designStage)
    let d = scope.deployment
    row(
      "deployment",
      nonEmpty(
        [d.form, d.latency.map { "latency \($0)" }, d.inferenceCompute.map { "compute \($0)" }, d.privacy.map { "privacy: \($0)" }]
          .compactMap { $0 }.joined(separator: "; ")))
    for (i, criterion) in scope.successCriteria.enumerated() { row(i == 0 ? "success criteria" : "", criterion) }
    for (i, m) in scope.milestones.enumerated() { row(i == 0 ? "milestones" : "", "\(m.date) \(m.name)") }
    var text = "scope v\(version)\n" + table.render()
    if !missing.isEmpty { text += "missing: " + missing.joined(separator: "; ") + "\n" }
    return text
  }
}
