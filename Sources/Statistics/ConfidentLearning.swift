/// Why confident learning cannot run on the given labels and probabilities.
public enum ConfidentLearningError: Error, Equatable, Sendable, CustomStringConvertible {
  /// `probabilities` does not hold `classCount` values for every label.
  case lengthMismatch(items: Int, probabilities: Int, classCount: Int)
  /// Fewer than two classes: there is no other class a label could be confused with.
  case tooFewClasses(Int)
  /// Item `item` (from 0) has a label outside `0..<classCount`.
  case labelOutOfRange(item: Int, label: Int, classCount: Int)
  /// Item `item`'s probability for class `classIndex` is outside [0, 1] or not a number.
  case probabilityOutOfRange(item: Int, classIndex: Int, value: Double)
  /// Item `item`'s probabilities do not sum to 1 within 1e-6.
  case rowDoesNotSumToOne(item: Int, sum: Double)

  /// What was wrong, for a person.
  public var message: String {
    switch self {
    case .lengthMismatch(let items, let probabilities, let classCount):
      return "\(items) labels need \(items) × \(classCount) = \(items * classCount) probabilities, but \(probabilities) were given"
    case .tooFewClasses(let count):
      return "confident learning needs at least 2 classes, but \(count) \(count == 1 ? "was" : "were") given"
    case .labelOutOfRange(let item, let label, let classCount):
      return "item \(item) has the label \(label), outside the classes 0 to \(classCount - 1)"
    case .probabilityOutOfRange(let item, let classIndex, let value):
      return "item \(item) has the probability \(value) for class \(classIndex); probabilities must lie between 0 and 1"
    case .rowDoesNotSumToOne(let item, let sum):
      return "item \(item)'s probabilities sum to \(sum), not 1; give each item's predicted distribution over all classes"
    }
  }

  public var description: String { message }
}

/// Confident learning's label-issue finder (Northcutt, Jiang & Chuang 2021, "Confident Learning:
/// Estimating Uncertainty in Dataset Labels", JAIR 70), computed as cleanlab 2.9.0's
/// `cleanlab.filter.find_label_issues(labels, pred_probs)` does with its defaults
/// (`filter_by='prune_by_noise_rate'`, `frac_noise=1.0`, `min_examples_per_class=1`), the issues
/// ranked as with `return_indices_ranked_by='self_confidence'`.
public enum ConfidentLearning {
  /// How many flagged items carry one given label while the model predicts another.
  public struct ConfusedPair: Sendable, Encodable, Equatable {
    /// The given (possibly wrong) label.
    public var given: Int
    /// The class the model predicts (the argmax of its probabilities).
    public var suspected: Int
    /// How many flagged items have this pair.
    public var count: Int

    public init(given: Int, suspected: Int, count: Int) {
      self.given = given
      self.suspected = suspected
      self.count = count
    }
  }

  /// The label issues found, and the confident joint they were pruned by.
  public struct Result: Sendable, Encodable, Equatable {
    /// Indices of the flagged items, lowest self-confidence first (ties by index).
    public var issues: [Int]
    /// For each flagged item, in the same order: the class the model predicts (the first class
    /// of highest probability); never the given label.
    public var suspected: [Int]
    /// For each flagged item, in the same order: the probability of its given label.
    public var selfConfidence: [Double]
    /// The calibrated confident joint, K × K: row = given label, column = suspected true label;
    /// row k sums to the number of items labelled k (cleanlab's `compute_confident_joint`).
    public var confidentJoint: [[Int]]
    /// The flagged items counted by (given, suspected), most frequent first, then by given and
    /// suspected class.
    public var confusedPairs: [ConfusedPair]
  }

  /// The tolerance cleanlab allows around [0, 1] (its `FLOATING_POINT_COMPARISON`), also the
  /// margin below a threshold that still counts as confident and the boost a given label gets in
  /// the final "is the given label the prediction" check.
  static let tolerance = 1e-6

  /// Finds the items whose given label is likely wrong.
  ///
  /// - Parameters:
  ///   - labels: the given label of each item, each in `0..<classCount`.
  ///   - probabilities: out-of-sample predicted probabilities, row-major, `labels.count × classCount`;
  ///     each value in [0, 1] (within 1e-6, as cleanlab allows) and each row summing to 1 within 1e-6.
  ///   - classCount: K, the number of classes (at least 2); a class no item is labelled is allowed.
  ///
  /// Steps (Northcutt et al. 2021, §3; cleanlab 2.9.0's code where the paper leaves a choice):
  /// 1. Per-class thresholds t_k: the mean predicted probability of class k over the items labelled
  ///    k (Eq. 2), 2 for a class nobody is labelled (so that nothing is confidently it), clipped
  ///    below at 2e-6.
  /// 2. The confident joint C (Eq. 1): an item counts in C[given][j] when p_j ≥ t_j − 1e-6 for
  ///    exactly one class j, or in C[given][argmax p] when for several; items above no threshold
  ///    are not counted. Every diagonal entry is raised to at least 1.
  /// 3. Calibration (Eq. 3): row k scaled to the number of items labelled k, the whole matrix to
  ///    the number of items, and each row rounded to integers keeping its total.
  /// 4. Prune counts, keeping at least one item per class: where C[k][k] is 0, it is raised to 1
  ///    and 1 / (nonzero entries of the row − 1, at least 1) is taken off each nonzero
  ///    off-diagonal entry, then truncated (numpy's `astype(int)`).
  /// 5. Prune by noise rate (§3.2, Ĉ_{ỹ=k, y*=j}): for each given label k with more than one item
  ///    and each j ≠ k, flag the C[k][j] items labelled k with the largest margin p_j − p_k.
  /// 6. Unflag every item whose given label is still the prediction once its probability is raised
  ///    by 1e-6 (cleanlab's `_reduce_issues`).
  /// 7. Rank the flagged items by self-confidence p_given, lowest first.
  ///
  /// Runs in O(n·K) plus one sort per pruned (k, j) pair; no allocation per item.
  public static func findLabelIssues(
    labels: [Int], probabilities: [Double], classCount: Int
  ) throws(ConfidentLearningError) -> Result {
    let k = classCount
    guard k >= 2 else { throw .tooFewClasses(k) }
    let n = labels.count
    guard probabilities.count == n * k else { throw .lengthMismatch(items: n, probabilities: probabilities.count, classCount: k) }
    try validate(labels: labels, probabilities: probabilities, classCount: k)

    let classes = ClassIndex(labels: labels, classCount: k)
    let thresholds = confidentThresholds(probabilities: probabilities, classes: classes, classCount: k)
    let joint = calibratedConfidentJoint(labels: labels, probabilities: probabilities, thresholds: thresholds, classes: classes)
    let pruneCounts = pruneCountsKeepingOnePerClass(joint)

    var flagged = pruneByNoiseRate(probabilities: probabilities, classes: classes, pruneCounts: pruneCounts, classCount: k)
    // Step 6. cleanlab 2.9.0 ends with `_reduce_issues`: add 1e-6 to the given label's
    // probability and keep the item only if the (first) argmax is then another class.
    for item in 0..<n where flagged[item] {
      let row = item * k
      let label = labels[item]
      var best = 0
      var bestValue = label == 0 ? probabilities[row] + tolerance : probabilities[row]
      for j in 1..<k {
        let value = j == label ? probabilities[row + j] + tolerance : probabilities[row + j]
        if value > bestValue {
          best = j
          bestValue = value
        }
      }
      if best == label { flagged[item] = false }
    }

    // Step 7. cleanlab's `order_label_issues(rank_by='self_confidence')`: ascending p_given.
    // numpy's default argsort is not stable: cleanlab's order of exact ties depends on numpy's
    // build and the CPU. Here ties go by item index, as a stable argsort gives them.
    var issues: [Int] = []
    for item in 0..<n where flagged[item] { issues.append(item) }
    issues.sort { a, b in
      let pa = probabilities[a * k + labels[a]]
      let pb = probabilities[b * k + labels[b]]
      return pa != pb ? pa < pb : a < b
    }
    let selfConfidence = issues.map { probabilities[$0 * k + labels[$0]] }
    let suspected = issues.map { argmax(probabilities, row: $0 * k, count: k) }

    var pairCounts = [Int](repeating: 0, count: k * k)
    for (item, guess) in zip(issues, suspected) { pairCounts[labels[item] * k + guess] += 1 }
    var pairs: [ConfusedPair] = []
    for given in 0..<k {
      for guess in 0..<k where pairCounts[given * k + guess] > 0 {
        pairs.append(ConfusedPair(given: given, suspected: guess, count: pairCounts[given * k + guess]))
      }
    }
    pairs.sort { ($1.count, $0.given, $0.suspected) < ($0.count, $1.given, $1.suspected) }

    return Result(
      issues: issues, suspected: suspected, selfConfidence: selfConfidence,
      confidentJoint: (0..<k).map { Array(joint[($0 * k)..<($0 * k + k)]) }, confusedPairs: pairs)
  }

  /// Every label in range; every probability in [0, 1] within cleanlab's 1e-6; every row summing
  /// to 1 within 1e-6 (cleanlab does not check sums, but thresholds mean nothing without them).
  static func validate(labels: [Int], probabilities: [Double], classCount k: Int) throws(ConfidentLearningError) {
    for (item, label) in labels.enumerated() {
      guard (0..<k).contains(label) else { throw .labelOutOfRange(item: item, label: label, classCount: k) }
      var sum = 0.0
      for j in 0..<k {
        let p = probabilities[item * k + j]
        guard p >= -tolerance && p <= 1 + tolerance else { throw .probabilityOutOfRange(item: item, classIndex: j, value: p) }
        sum += p
      }
      guard abs(sum - 1) <= tolerance else { throw .rowDoesNotSumToOne(item: item, sum: sum) }
    }
  }

  /// The items of each class, in index order, as one array sliced by offsets (a counting sort).
  struct ClassIndex {
    /// Item indices grouped by label: class c's are `items[start[c]..<start[c + 1]]`.
    var items: [Int]
    var start: [Int]

    init(labels: [Int], classCount k: Int) {
      var start = [Int](repeating: 0, count: k + 1)
      for label in labels { start[label + 1] += 1 }
      for c in 0..<k { start[c + 1] += start[c] }
      var next = start
      var items = [Int](repeating: 0, count: labels.count)
      for (item, label) in labels.enumerated() {
        items[next[label]] = item
        next[label] += 1
      }
      self.items = items
      self.start = start
    }

    func count(_ c: Int) -> Int { start[c + 1] - start[c] }
  }

  /// Step 1 (Eq. 2; cleanlab's `get_confident_thresholds`): t_k = mean of p_k over the items
  /// labelled k, summed as numpy sums so that t_k is the same double; 2 for an empty class;
  /// then clipped below at 2e-6 (`CONFIDENT_THRESHOLDS_LOWER_BOUND`).
  static func confidentThresholds(probabilities: [Double], classes: ClassIndex, classCount k: Int) -> [Double] {
    var buffer = [Double](repeating: 0, count: (0..<k).map(classes.count).max() ?? 0)
    var thresholds = [Double](repeating: 2, count: k)
    for c in 0..<k where classes.count(c) > 0 {
      let members = classes.items[classes.start[c]..<classes.start[c + 1]]
      for (slot, item) in members.enumerated() { buffer[slot] = probabilities[item * k + c] }
      let sum = buffer.withUnsafeBufferPointer { numpySum(UnsafeBufferPointer(rebasing: $0[0..<members.count])) }
      thresholds[c] = sum / Double(members.count)
    }
    return thresholds.map { max($0, 2 * tolerance) }
  }

  /// Steps 2 and 3 (cleanlab's `compute_confident_joint` with `calibrate=True`): the calibrated
  /// confident joint, row-major K × K.
  static func calibratedConfidentJoint(labels: [Int], probabilities: [Double], thresholds: [Double], classes: ClassIndex) -> [Int] {
    let k = thresholds.count
    let n = labels.count
    // Step 2. "Confident" is p_j ≥ t_j − 1e-6. One confident class is the guess; with several,
    // the row's first argmax is (even when that class is itself below its threshold).
    let cutoffs = thresholds.map { $0 - tolerance }
    var counts = [Int](repeating: 0, count: k * k)
    for item in 0..<n {
      let row = item * k
      var confident = 0
      var firstConfident = 0
      for j in 0..<k where probabilities[row + j] >= cutoffs[j] {
        if confident == 0 { firstConfident = j }
        confident += 1
      }
      guard confident > 0 else { continue }
      let guess = confident == 1 ? firstConfident : argmax(probabilities, row: row, count: k)
      counts[labels[item] * k + guess] += 1
    }
    // "Guarantee at least one correctly labeled example is represented in every class."
    for c in 0..<k { counts[c * k + c] = max(counts[c * k + c], 1) }

    // Step 3 (Eq. 3; `calibrate_confident_joint`): C[i][j] / Σ_j C[i][j] · n_i, then the whole
    // matrix · n / Σ, in numpy's order of operations; then `round_preserving_row_totals`.
    var calibrated = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      let rowSum = max(Double((0..<k).reduce(0) { $0 + counts[i * k + $1] }), 1e-100)
      let labelled = Double(classes.count(i))
      for j in 0..<k { calibrated[i * k + j] = Double(counts[i * k + j]) / rowSum * labelled }
    }
    // numpy holds this matrix column-major (it is the transpose of a row-major one) and sums it
    // in memory order; summed row by row, Σ can differ in the last bit, and with it which of two
    // equal-looking remainders rounds up below.
    var columnMajor = [Double](repeating: 0, count: k * k)
    for i in 0..<k {
      for j in 0..<k { columnMajor[j * k + i] = calibrated[i * k + j] }
    }
    let total = max(columnMajor.withUnsafeBufferPointer(numpySum), 1e-100)
    for index in calibrated.indices { calibrated[index] = calibrated[index] / total * Double(n) }
    var joint = [Int](repeating: 0, count: k * k)
    for i in 0..<k {
      let rounded = roundPreservingSum(Array(calibrated[(i * k)..<(i * k + k)]))
      for j in 0..<k { joint[i * k + j] = rounded[j] }
    }
    return joint
  }

  /// cleanlab's `round_preserving_sum`: each value rounded half to even, then, while the integers'
  /// total differs from the rounded total of the values by d, the |d| values with the largest
  /// (d > 0) or smallest (d < 0) remainder value − integer move by one toward it. numpy's argsort
  /// there is not stable; equal remainders are taken in a stable argsort's order (reversed when
  /// raising: the later class first).
  static func roundPreservingSum(_ values: [Double]) -> [Int] {
    var ints = values.map { $0.rounded(.toNearestOrEven) }
    let target = values.withUnsafeBufferPointer(numpySum).rounded(.toNearestOrEven)
    var sum = ints.reduce(0, +).rounded(.toNearestOrEven)
    while abs(sum - target) > tolerance {
      let difference = (target - sum).rounded(.toNearestOrEven)
      let step = difference < 0 ? -1.0 : 1.0
      let changes = min(Int(abs(difference)), values.count)
      let remainders = zip(values, ints).map { $0 - $1 }
      var order = Array(values.indices)
      order.sort { remainders[$0] != remainders[$1] ? remainders[$0] < remainders[$1] : $0 < $1 }
      if step > 0 { order.reverse() }
      for index in order.prefix(changes) { ints[index] += step }
      sum = ints.reduce(0, +).rounded(.toNearestOrEven)
    }
    return ints.map { Int($0) }
  }

  /// Step 4 (cleanlab's `_keep_at_least_n_per_class` with n = 1 and `frac_noise` = 1): in row k
  /// of the calibrated joint, a diagonal below 1 is raised to 1 and the raise is subtracted from
  /// every other entry, divided by (nonzero entries of the row − 1, at least 1); negatives become
  /// 0 and the rest is truncated to an integer, as numpy's `astype(int)` does. Returns how many
  /// items to prune from given label k for suspected class j, row-major; the diagonal is unused.
  static func pruneCountsKeepingOnePerClass(_ joint: [Int]) -> [Int] {
    let k = Int(Double(joint.count).squareRoot().rounded())
    var prune = [Int](repeating: 0, count: k * k)
    for given in 0..<k {
      let diagonal = joint[given * k + given]
      let raise = Double(max(diagonal, 1) - diagonal)
      let nonzero = (0..<k).filter { joint[given * k + $0] != 0 }.count
      let share = raise / max(Double(nonzero) - 1, 1)
      for j in 0..<k where j != given {
        prune[given * k + j] = Int(max(Double(joint[given * k + j]) - share, 0))
      }
    }
    return prune
  }

  /// Step 5 (§3.2 prune by noise rate; cleanlab's `_prune_by_count`): for each given label k with
  /// more than `min_examples_per_class` = 1 item, and each j ≠ k with a prune count m > 0, flags
  /// the m items labelled k of largest margin p_j − p_k. An item may be flagged for several j.
  /// numpy sorts the margins with its unstable default argsort; equal margins go here by index.
  static func pruneByNoiseRate(probabilities: [Double], classes: ClassIndex, pruneCounts: [Int], classCount k: Int) -> [Bool] {
    var flagged = [Bool](repeating: false, count: classes.items.count)
    let largest = (0..<k).map(classes.count).max() ?? 0
    var margins = [Double](repeating: 0, count: largest)
    var order = [Int](repeating: 0, count: largest)
    for given in 0..<k where classes.count(given) > 1 {
      let members = classes.items[classes.start[given]..<classes.start[given + 1]]
      let size = members.count
      for j in 0..<k where j != given && pruneCounts[given * k + j] > 0 {
        let take = pruneCounts[given * k + j]
        if take >= size {
          for item in members { flagged[item] = true }
          continue
        }
        for (slot, item) in members.enumerated() {
          margins[slot] = probabilities[item * k + j] - probabilities[item * k + given]
          order[slot] = slot
        }
        margins.withUnsafeBufferPointer { margin in
          order.withUnsafeMutableBufferPointer { buffer in
            var positions = UnsafeMutableBufferPointer(rebasing: buffer[0..<size])
            positions.sort { margin[$0] != margin[$1] ? margin[$0] > margin[$1] : $0 < $1 }
          }
        }
        for slot in order[0..<take] { flagged[members[members.startIndex + slot]] = true }
      }
    }
    return flagged
  }

  /// The first index of the largest value in `values[row..<row + count]` (numpy's argmax).
  static func argmax(_ values: [Double], row: Int, count: Int) -> Int {
    var best = 0
    for j in 1..<count where values[row + j] > values[row + best] { best = j }
    return best
  }

  /// The sum of `values` as numpy's `add.reduce` computes it for a contiguous float64 array
  /// (pairwise summation: blocks of at most 128 summed with eight accumulators), so that means
  /// and totals are the same doubles as cleanlab's.
  static func numpySum(_ values: UnsafeBufferPointer<Double>) -> Double {
    let n = values.count
    if n < 8 {
      var sum = 0.0
      for value in values { sum += value }
      return sum
    }
    if n <= 128 {
      var r = (values[0], values[1], values[2], values[3], values[4], values[5], values[6], values[7])
      var i = 8
      while i < n - n % 8 {
        r.0 += values[i]
        r.1 += values[i + 1]
        r.2 += values[i + 2]
        r.3 += values[i + 3]
        r.4 += values[i + 4]
        r.5 += values[i + 5]
        r.6 += values[i + 6]
        r.7 += values[i + 7]
        i += 8
      }
      var sum = ((r.0 + r.1) + (r.2 + r.3)) + ((r.4 + r.5) + (r.6 + r.7))
      while i < n {
        sum += values[i]
        i += 1
      }
      return sum
    }
    let half = n / 2 - (n / 2) % 8
    return numpySum(UnsafeBufferPointer(rebasing: values[0..<half])) + numpySum(UnsafeBufferPointer(rebasing: values[half..<n]))
  }
}
