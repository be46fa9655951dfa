import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

// What the annotator's commands share (`annotator next|submit|skip|mine`).

/// The options every annotator command shares: which dataset, and the check that an annotator
/// acts only as themselves.
struct AnnotatorOptions: ParsableArguments {
  @Option(help: "The dataset (default: the only one assigned to you).") var dataset: String?
  @Option(help: "Whose work this is; must be you (an annotator labels only as themselves).") var annotator: String?

  func check(_ actor: Actor) throws {
    if let annotator, annotator != actor.name { throw AnnotationError.labelerMismatch(name: annotator, actor: actor.name) }
  }
}

/// What `submit` and `skip` print.
struct SubmittedOutput: CommandOutput {
  var submitted: SubmittedLabel

  func encode(to encoder: any Encoder) throws { try submitted.encode(to: encoder) }

  func render() -> String {
    let s = submitted
    let what = s.label.map { "labelled \($0)" } ?? "skipped (\(s.skip ?? ""))"
    let replaced = s.replaced ? ", replacing your earlier answer (kept in history)" : ""
    let next = s.next.map { "; next: \($0)" } ?? "; your queue is done"
    return "\(s.item) \(what) under guidelines v\(s.guidelines)\(replaced)\n\(s.done) of \(s.assigned) done\(next)\n"
  }
}

/// Renders an estimate as a share in percent.
func percent(_ estimate: Estimate) -> String {
  estimate.value.map { String(format: "%.1f%%", $0 * 100) } ?? "-"
}
