import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

// What the commands of baselines share (`sme|engineer baseline …`).

/// The options of `baseline add`, shared by the SME's and the engineer's commands.
struct BaselineOptions: ParsableArguments {
  @Argument(help: "An id for the baseline ([a-z0-9][a-z0-9._-]{0,63}), e.g. hlp-experts.")
  var id: String

  @Option(help: "What the baseline is.")
  var type: Baseline.Source

  @Option(help: "For human-level: who the humans were.")
  var quality: Baseline.HumanQuality?

  @Option(help: "For human-level: how it was measured (who labelled what, how many items).")
  var measured: String?

  @Option(name: .customLong("metric"), help: "A figure as NAME=VALUE, e.g. error=0.012, or error=1.2% for a percentage (repeatable).")
  var metrics: [String] = []

  @Option(help: "Source or citation of the figures.")
  var source: String

  @Option(help: "When measured or published, YYYY-MM-DD (default: today).")
  var date: String?

  @Option(help: "Why; recorded in the history.")
  var message: String?

  @Option(help: "Replace an existing baseline of this id, which must be at this version.")
  var ifVersion: Int?

  func baseline(now: Date) throws -> Baseline {
    var figures: [String: Double] = [:]
    var units: [String: FigureUnit] = [:]
    for text in metrics {
      let (name, value, unit) = try Baseline.parseMetric(text)
      guard figures.updateValue(value, forKey: name) == nil else {
        throw LifecycleError.invalidValue(what: "--metric", reason: "'\(name)' is given twice")
      }
      if let unit { units[name] = unit }
    }
    return Baseline(
      type: type, quality: quality, measured: measured, metrics: figures, units: units, source: source,
      date: date ?? String(Timestamp.format(now).prefix(10)))
  }
}

/// What `baseline add` prints.
struct BaselineOutput: CommandOutput {
  var stored: StoredBaseline

  func encode(to encoder: any Encoder) throws { try stored.encode(to: encoder) }

  func render() -> String {
    let figures = stored.baseline.metrics.keys.sorted().map { "\($0)=\(stored.baseline.shown($0))" }.joined(separator: ", ")
    return "baseline \(stored.id) v\(stored.version): \(stored.baseline.type.rawValue) \(figures)\n"
  }
}

/// What `baseline list` prints: every baseline, and the best per metric.
struct BaselineListOutput: CommandOutput {
  var baselines: [StoredBaseline]
  var best: [BestBaseline]
  /// The best human-level figure per metric: the Bayes-error proxy of the diagnosis.
  var humanLevel: [BestBaseline]

  func render() -> String {
    guard !baselines.isEmpty else {
      return "no baselines yet: an SME records human-level performance (mlw sme baseline add), an engineer the others (mlw engineer baseline add)\n"
    }
    var table = TextTable(["ID", "TYPE", "QUALITY", "METRICS", "SOURCE", "DATE", "BY"])
    for b in baselines {
      let figures = b.baseline.metrics.keys.sorted().map { "\($0)=\(b.baseline.shown($0))" }.joined(separator: " ")
      table.add([b.id, b.baseline.type.rawValue, b.baseline.quality?.rawValue ?? "-", figures, b.baseline.source, b.baseline.date, b.author])
    }
    var text = table.render() + "\nbest per metric:\n"
    var bests = TextTable(["METRIC", "BEST", "BASELINE", "TYPE", "BETTER"])
    func shown(_ b: BestBaseline) -> String { Figure.format(b.value) + (b.unit == .percent ? "%" : "") }
    for b in best { bests.add([b.metric, shown(b), b.id, b.type.rawValue, b.lowerIsBetter ? "lower" : "higher"]) }
    text += bests.render(indent: "  ")
    if !humanLevel.isEmpty {
      text += "human level (the Bayes-error proxy): " + humanLevel.map { "\($0.metric)=\(shown($0)) (\($0.id))" }.joined(separator: ", ") + "\n"
    }
    return text
  }
}

/// Records a baseline for the SME (`humanLevel`: only human-level ones) or the engineer (only
/// the other types): DOMAIN.md gives human level to the SME and the rest to the engineer.
func addBaseline(_ options: BaselineOptions, _ context: CommandContext) throws -> BaselineOutput {
  let baseline = try options.baseline(now: context.now)
  return BaselineOutput(
    stored: try context.requireWorkspace().recordBaseline(
      options.id, baseline, actor: try context.requireActor(), message: options.message, ifVersion: options.ifVersion, now: context.now))
}

/// Lists the baselines of the context's workspace.
func listBaselines(_ context: CommandContext) throws -> BaselineListOutput {
  let all = try context.requireWorkspace().baselines()
  return BaselineListOutput(
    baselines: all, best: Workspace.bestBaselines(all), humanLevel: Workspace.bestBaselines(all, types: [.humanLevel]))
}
