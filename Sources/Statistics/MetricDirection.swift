/// Whether higher or lower values of a metric are better: the one definition that baselines,
/// diagnosis, ranking and metric policies share.
///
/// A name is read as words (split at `_`, `-`, `.` and spaces; never matched as a substring, so
/// `terror_score` is not an error): a word for something to keep small (`error`, `loss`,
/// `latency`, `cost`, `mae`, `mse`, `rmse`, …) or a time unit at the end (`_ms`, `_seconds`)
/// makes it lower-is-better, unless a word after it turns it into a gain (`cost_savings`,
/// `loss_reduction`). An explicit direction always wins (`error:min`, `--minimize NAME`); any
/// other name is taken as higher-is-better, and the output says it assumed so.
public enum MetricDirection: String, Sendable, Codable, Equatable, CaseIterable {
  case higher
  case lower

  /// Words that name something to keep small.
  public static let lowerWords: Set<String> = [
    "error", "errors", "err", "loss", "losses", "latency", "cost", "costs", "mae", "mse", "rmse", "rmsle", "msle", "mape", "smape", "wer",
    "cer", "perplexity", "nll", "brier", "eer", "fpr", "fnr", "frr", "miss", "misses", "duration", "time", "runtime", "regret",
  ]
  /// Words that name something to make large (so that no note says "assumed" for them).
  public static let higherWords: Set<String> = [
    "accuracy", "acc", "precision", "recall", "f1", "f2", "fbeta", "auc", "roc", "pr", "map", "ap", "iou", "miou", "dice", "kappa", "alpha",
    "r2", "bleu", "rouge", "ndcg", "mrr", "throughput", "coverage", "specificity", "sensitivity", "tpr", "tnr", "ppv", "npv", "hit",
    "hits", "success", "agreement", "ac1",
  ]
  /// Time units that, as the last word, make a duration (lower is better).
  public static let timeUnits: Set<String> = ["ms", "s", "seconds", "secs", "sec", "us", "ns", "minutes", "mins", "hours", "hrs"]
  /// Words that, after a lower word, name a gain (`cost_savings`, `loss_reduction`).
  public static let gainWords: Set<String> = [
    "savings", "saving", "saved", "reduction", "reductions", "reduced", "decrease", "avoided", "improvement", "gain", "gains", "free",
    "benefit", "benefits",
  ]

  /// Where a direction came from.
  public enum Source: String, Sendable, Codable, Equatable {
    /// Given by the user (`error:min`, `--minimize`).
    case given
    /// Read from a word of the name.
    case name
    /// An unknown name, taken as higher-is-better.
    case assumed
  }

  /// A metric's direction and why.
  public struct Resolved: Sendable, Equatable, Codable {
    public var metric: String
    public var direction: MetricDirection
    public var source: Source
    /// A few words for people: "lower is better ('loss' in the name)".
    public var reason: String

    public var isKnown: Bool { source != .assumed }
  }

  /// The words of a metric name, lowercased.
  static func words(_ name: String) -> [String] {
    name.lowercased().split(whereSeparator: { $0 == "_" || $0 == "-" || $0 == "." || $0 == " " || $0 == "[" || $0 == "]" || $0 == "=" })
      .map(String.init)
  }

  /// The lower-is-better reading of `name` by its words; nil when no word says it is to be kept
  /// small (or a gain word after it undoes that).
  public static func fromName(_ name: String) -> (MetricDirection, word: String)? {
    let words = words(name)
    if let last = words.last, words.count > 1, timeUnits.contains(last) { return (.lower, last) }
    // false_positive_rate, false_negatives: counts of mistakes.
    if let at = words.firstIndex(of: "false"), at + 1 < words.count, words[at + 1].hasPrefix("positive") || words[at + 1].hasPrefix("negative") {
      return (.lower, "false")
    }
    guard let at = words.firstIndex(where: lowerWords.contains) else { return nil }
    if let gain = words[(at + 1)...].first(where: gainWords.contains) { return (.higher, gain) }
    return (.lower, words[at])
  }

  /// `fromName`, and else a word that names something to make large.
  static func known(_ name: String) -> (MetricDirection, word: String)? {
    if let found = fromName(name) { return found }
    return words(name).first(where: higherWords.contains).map { (.higher, $0) }
  }

  /// The direction of `metric`: `given` when the user named one, else from its name, else
  /// higher-is-better, assumed.
  public static func resolve(_ metric: String, given: [String: MetricDirection] = [:]) -> Resolved {
    if let direction = given[metric] {
      return Resolved(metric: metric, direction: direction, source: .given, reason: "\(direction.phrase) (as given)")
    }
    if let (direction, word) = known(metric) {
      return Resolved(metric: metric, direction: direction, source: .name, reason: "\(direction.phrase) ('\(word)' in the name)")
    }
    return Resolved(
      metric: metric, direction: .higher, source: .assumed,
      reason: "higher is better, assumed (an unknown name; write \(metric):min if lower is better)")
  }

  /// "higher is better" or "lower is better".
  public var phrase: String { self == .higher ? "higher is better" : "lower is better" }
  /// "maximise" or "minimise".
  public var verb: String { self == .higher ? "maximise" : "minimise" }

  /// Whether `a` is better than `b` in this direction.
  public func isBetter(_ a: Double, than b: Double) -> Bool { self == .higher ? a > b : a < b }

  /// Splits `error:min` / `acc:max` into the name and its direction (nil when none is given).
  public static func split(_ text: String) -> (name: String, direction: MetricDirection?)? {
    guard let colon = text.lastIndex(of: ":") else { return (text, nil) }
    let name = String(text[..<colon])
    switch text[text.index(after: colon)...].lowercased() {
    case "min", "minimize", "minimise", "lower": return (name, .lower)
    case "max", "maximize", "maximise", "higher": return (name, .higher)
    default: return nil
    }
  }
}
