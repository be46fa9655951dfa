import Foundation
import Statistics
import VersionedStore

/// The items of an evaluated split whose given label is likely wrong, by confident learning
/// (Northcutt, Jiang & Chuang 2021) on the out-of-sample class probabilities of the predictions,
/// as `cleanlab.filter.find_label_issues` finds them with its defaults.
public struct LabelIssueReport: Sendable, Encodable {
  public struct Issue: Sendable, Encodable {
    public var item: String
    public var given: String
    /// The class the model puts most probability on.
    public var suspected: String
    /// The probability the model gives the given label; lowest first.
    public var selfConfidence: Double
  }

  public struct Pair: Sendable, Encodable {
    public var given: String
    public var suspected: String
    /// Flagged items labelled `given` whose most likely class is `suspected`.
    public var count: Int
  }

  public var run: String
  public var split: String
  public var evaluationVersion: Int
  public var items: Int
  public var classes: [String]
  public var issues: [Issue]
  /// The pairs of labels most often confused, most first.
  public var confusedPairs: [Pair]
  /// Items newly sent to the review queue (with `--send-to-review`), else nil.
  public var sentToReview: Int?
  public var dataset: String?
}

extension Workspace {
  /// Finds the label issues of run `runID`'s evaluation on `split`, and with `sendToReview`
  /// flags them in the dataset's review queue.
  public func labelIssues(run runID: String, split: String, sendToReview: Bool, actor: Actor?, now: Date) throws -> LabelIssueReport {
    let run = try self.run(runID)
    let evaluation = try self.evaluation(of: runID, split: split)
    let read = try storedPredictions(run, evaluation)
    guard !read.probabilityLabels.isEmpty else {
      throw LifecycleError.invalidValue(
        what: "label-issues",
        reason: "the evaluation of run '\(runID)' on '\(split)' has no proba[<label>] columns; evaluate again with out-of-sample class probabilities")
    }
    let classes = read.probabilityLabels
    let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
    let classOf = read.labels.map { index[$0] }
    let labels = read.truth.map { classOf[Int($0)]! }
    let probabilities = read.probabilities
    let found: ConfidentLearning.Result
    do { found = try ConfidentLearning.findLabelIssues(labels: labels, probabilities: probabilities, classCount: classes.count) } catch {
      throw LifecycleError.invalidValue(what: "label-issues", reason: error.message)
    }
    let issues = found.issues.enumerated().map { position, i in
      LabelIssueReport.Issue(
        item: read.scopeItems[Int(read.item[i])], given: read.labels[Int(read.truth[i])], suspected: classes[found.suspected[position]],
        selfConfidence: found.selfConfidence[position])
    }
    var report = LabelIssueReport(
      run: runID, split: split, evaluationVersion: evaluation.version, items: read.count, classes: classes, issues: issues,
      confusedPairs: found.confusedPairs.map { .init(given: classes[$0.given], suspected: classes[$0.suspected], count: $0.count) },
      sentToReview: nil, dataset: run.run.dataset?.name)
    if sendToReview {
      guard let actor else { throw LifecycleError.noIdentity }
      guard let dataset = run.run.dataset?.name else {
        throw LifecycleError.invalidValue(what: "--send-to-review", reason: "run '\(runID)' pins no dataset whose review queue could take them")
      }
      // An item adjudicated to another label than the one the run saw was decided after its
      // snapshot: the next run sees the decision, so it is not sent again.
      let adjudicated = try adjudications(dataset)
      let flags = issues.filter { issue in adjudicated[issue.item].map { $0 == issue.given } ?? true }.map { issue in
        ReviewFlag(
          item: issue.item, given: issue.given, suspected: issue.suspected,
          reason:
            "confident learning (run \(runID), \(split)): the model gives '\(issue.given)' \(Figure.format((issue.selfConfidence * 1000).rounded() / 1000)), most to '\(issue.suspected)'",
          run: runID, split: split)
      }
      report.sentToReview = try flagForReview(dataset, flags, actor: actor, now: now)
    }
    return report
  }
}
