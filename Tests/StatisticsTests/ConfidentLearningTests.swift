import Testing

@testable import Statistics

@Suite struct ConfidentLearningTests {
  /// Three classes, three items each; item 2 is labelled 0 and item 8 labelled 2, but the model
  /// says 1 and 0. Worked by hand:
  /// thresholds t = (0.6, 0.8, 0.6); item 4 (0.2, 0.7, 0.1) is above no threshold and is not
  /// counted; the raw confident joint [[2,1,0],[0,2,0],[1,0,2]] calibrates (row 1 × 3/2) to
  /// [[2,1,0],[0,3,0],[1,0,2]]; one item is pruned from (0→1) and one from (2→0): the largest
  /// margins are item 2's p1 − p0 = 0.75 and item 8's p0 − p2 = 0.6. Both have self-confidence
  /// 0.1: the tie goes by index.
  @Test func aHandCheckedThreeClassExample() throws {
    let rows: [[Double]] = [
      [0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.1, 0.85, 0.05],
      [0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.05, 0.9, 0.05],
      [0.1, 0.1, 0.8], [0.05, 0.05, 0.9], [0.7, 0.2, 0.1],
    ]
    let result = try ConfidentLearning.findLabelIssues(labels: [0, 0, 0, 1, 1, 1, 2, 2, 2], probabilities: rows.flatMap { $0 }, classCount: 3)
    #expect(result.confidentJoint == [[2, 1, 0], [0, 3, 0], [1, 0, 2]])
    #expect(result.issues == [2, 8])
    #expect(result.suspected == [1, 0])
    #expect(result.selfConfidence == [0.1, 0.1])
    #expect(result.confusedPairs == [.init(given: 0, suspected: 1, count: 1), .init(given: 2, suspected: 0, count: 1)])
  }

  /// Class 2 has no item: its threshold is 2, so nothing is confidently class 2, and item 5, which
  /// the model gives to class 2, is above no threshold and is not flagged; its row of the joint is
  /// all zeros.
  @Test func aClassNobodyIsLabelled() throws {
    let rows: [[Double]] = [
      [0.9, 0.05, 0.05], [0.8, 0.1, 0.1], [0.1, 0.8, 0.1],
      [0.1, 0.9, 0.0], [0.2, 0.7, 0.1], [0.05, 0.05, 0.9],
    ]
    let result = try ConfidentLearning.findLabelIssues(labels: [0, 0, 0, 1, 1, 1], probabilities: rows.flatMap { $0 }, classCount: 3)
    #expect(result.confidentJoint == [[2, 1, 0], [0, 3, 0], [0, 0, 0]])
    #expect(result.issues == [2])
    #expect(result.suspected == [1])
  }

  @Test func allLabelsRightFindsNoIssue() throws {
    let result = try ConfidentLearning.findLabelIssues(labels: [0, 0, 1, 1], probabilities: [0.9, 0.1, 0.8, 0.2, 0.3, 0.7, 0.1, 0.9], classCount: 2)
    #expect(result.issues.isEmpty && result.selfConfidence.isEmpty && result.confusedPairs.isEmpty)
    #expect(result.confidentJoint == [[2, 0], [0, 2]])
  }

  /// The one item labelled 0 is confidently class 1, but calibration leaves row 0 as [0, 1] and
  /// keeping one item per class takes that 1 back; item 3 is pruned from (1→0) and then unflagged,
  /// because its given label is still the argmax (cleanlab's final `_reduce_issues`).
  @Test func aClassIsNeverEmptiedAndAPredictedGivenLabelIsUnflagged() throws {
    let result = try ConfidentLearning.findLabelIssues(labels: [0, 1, 1, 1], probabilities: [0.1, 0.9, 0.2, 0.8, 0.1, 0.9, 0.3, 0.7], classCount: 2)
    #expect(result.confidentJoint == [[0, 1], [1, 2]])
    #expect(ConfidentLearning.pruneCountsKeepingOnePerClass([0, 1, 1, 2]) == [0, 0, 1, 0])
    #expect(result.issues.isEmpty)
  }

  /// `min_examples_per_class = 1`: a class with one item is never pruned, whatever its counts.
  @Test func aClassOfOneItemIsNeverPruned() {
    let classes = ConfidentLearning.ClassIndex(labels: [0, 1, 1], classCount: 2)
    let flagged = ConfidentLearning.pruneByNoiseRate(
      probabilities: [0.1, 0.9, 0.6, 0.4, 0.2, 0.8], classes: classes, pruneCounts: [0, 1, 1, 0], classCount: 2)
    #expect(flagged == [false, true, false])
  }

  /// Equal remainders: a raise goes to the later class (a stable argsort, reversed), a cut to the
  /// earlier one (a stable argsort); values are first rounded half to even, as numpy rounds.
  @Test func roundingKeepsTheRowTotal() {
    #expect(ConfidentLearning.roundPreservingSum([0.5, 0.5]) == [0, 1])
    #expect(ConfidentLearning.roundPreservingSum([1.4, 1.4, 1.2]) == [1, 2, 1])
    #expect(ConfidentLearning.roundPreservingSum([2.5, 0.5]) == [2, 1])
    #expect(ConfidentLearning.roundPreservingSum([1.6, 1.6, 0.8]) == [1, 2, 1])
    #expect(ConfidentLearning.roundPreservingSum([3, 0, 2]) == [3, 0, 2])
  }

  /// numpy's pairwise summation, not a running sum: [1, 1e-16 × 8] is 1.0000000000000007 in numpy.
  @Test func sumsAsNumpyDoes() {
    let values = [1.0] + [Double](repeating: 1e-16, count: 8)
    #expect(values.withUnsafeBufferPointer(ConfidentLearning.numpySum) == 1.0000000000000007)
    #expect(values.reduce(0, +) == 1.0)
    let long = (1...1000).map(Double.init)
    #expect(long.withUnsafeBufferPointer(ConfidentLearning.numpySum) == 500_500)
  }

  @Test func badInputIsRefusedWithAMessage() {
    #expect(throws: ConfidentLearningError.tooFewClasses(1)) {
      try ConfidentLearning.findLabelIssues(labels: [0], probabilities: [1], classCount: 1)
    }
    #expect(throws: ConfidentLearningError.lengthMismatch(items: 2, probabilities: 3, classCount: 2)) {
      try ConfidentLearning.findLabelIssues(labels: [0, 1], probabilities: [0.5, 0.5, 1], classCount: 2)
    }
    #expect(throws: ConfidentLearningError.labelOutOfRange(item: 1, label: 2, classCount: 2)) {
      try ConfidentLearning.findLabelIssues(labels: [0, 2], probabilities: [0.5, 0.5, 0.5, 0.5], classCount: 2)
    }
    #expect(throws: ConfidentLearningError.labelOutOfRange(item: 0, label: -1, classCount: 2)) {
      try ConfidentLearning.findLabelIssues(labels: [-1, 1], probabilities: [0.5, 0.5, 0.5, 0.5], classCount: 2)
    }
    #expect(throws: ConfidentLearningError.probabilityOutOfRange(item: 1, classIndex: 0, value: 1.5)) {
      try ConfidentLearning.findLabelIssues(labels: [0, 1], probabilities: [0.5, 0.5, 1.5, -0.5], classCount: 2)
    }
    #expect(throws: ConfidentLearningError.rowDoesNotSumToOne(item: 0, sum: 0.9)) {
      try ConfidentLearning.findLabelIssues(labels: [0, 1], probabilities: [0.5, 0.4, 0.5, 0.5], classCount: 2)
    }
    #expect(throws: ConfidentLearningError.self) {
      try ConfidentLearning.findLabelIssues(labels: [0, 1], probabilities: [.nan, 1, 0.5, 0.5], classCount: 2)
    }
    // cleanlab's own tolerance: 1e-6 beyond [0, 1] (and off a sum of 1) is accepted.
    #expect(throws: Never.self) {
      try ConfidentLearning.findLabelIssues(labels: [0, 1], probabilities: [1 + 5e-7, -5e-7, 0.5, 0.5], classCount: 2)
    }
    #expect(ConfidentLearningError.rowDoesNotSumToOne(item: 0, sum: 0.9).message.contains("sum to 0.9"))
    #expect(ConfidentLearningError.tooFewClasses(1).message == "confident learning needs at least 2 classes, but 1 was given")
  }

  @Test func noItemsFindNoIssues() throws {
    let result = try ConfidentLearning.findLabelIssues(labels: [], probabilities: [], classCount: 3)
    #expect(result.issues.isEmpty && result.confidentJoint == [[0, 0, 0], [0, 0, 0], [0, 0, 0]])
  }
}
