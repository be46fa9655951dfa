import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

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

/// The options of `diagnose`, shared by the engineer's and the lead's commands.
struct DiagnoseOptions: ParsableArguments {
  @Option(
    help:
      "The metric the figures are in (default: error). A higher-is-better metric is turned into an error; accuracy is diagnosed against an error baseline and back."
  )
  var metric: String = "error"

  // `.unconditional`: a figure such as -0.1 is the option's value (and refused as a figure),
  // not taken for an option.
  @Option(parsing: .unconditional, help: "Training-set figure: 0.08, or 8% (a bare number is in --unit).") var train: String
  @Option(
    parsing: .unconditional, help: "Train-dev figure (held out from the training distribution), to separate variance from data mismatch.")
  var trainDev: String?
  @Option(parsing: .unconditional, help: "Dev (validation) figure.") var dev: String
  @Option(parsing: .unconditional, help: "Test figure, to detect over-fitting of the validation set.") var test: String?
  @Option(help: "The human-level baseline to use (default: the best one for the metric).") var baseline: String?
  @Option(parsing: .unconditional, help: "Human-level figure, to diagnose without a recorded baseline.") var human: String?
  @Option(help: "The unit of the bare figures: fraction or percent (default: the baseline's).") var unit: FigureUnit?

  func validate() throws {
    if human != nil, baseline != nil { throw ValidationError("give --human or --baseline, not both") }
  }

  func figures() throws -> DiagnosisFigures {
    func figure(_ text: String, _ option: String) throws -> Figure { try Figure(text, what: option, metric: metric) }
    return DiagnosisFigures(
      train: try figure(train, "--train"), trainDev: try trainDev.map { try figure($0, "--train-dev") }, dev: try figure(dev, "--dev"),
      test: try test.map { try figure($0, "--test") }, human: try human.map { try figure($0, "--human") })
  }
}

/// What `diagnose` prints.
struct DiagnosisOutput: CommandOutput {
  var diagnosis: Diagnosis

  func encode(to encoder: any Encoder) throws { try diagnosis.encode(to: encoder) }

  func render() -> String {
    let d = diagnosis
    let percent = d.unit == .percent
    func shown(_ value: Double) -> String { Figure.format(value) + (percent ? "%" : "") }
    let unitName = d.unit.map { " (\($0 == .percent ? "%" : "fraction"))" } ?? ""
    var table = TextTable(
      ["", d.metric == "error" ? "ERROR\(unitName)" : "ERROR (from \(d.metric))\(unitName)"], alignments: [.left, .right])
    table.add([d.humanBaseline == "--human" ? "human level (given)" : "human level (\(d.humanBaseline))", shown(d.humanError)])
    table.add(["training", shown(d.trainError)])
    if let v = d.trainDevError { table.add(["train-dev", shown(v)]) }
    table.add(["dev", shown(d.devError)])
    if let v = d.testError { table.add(["test", shown(v)]) }
    var gaps = TextTable(["GAP", "SIZE"], alignments: [.left, .right])
    gaps.add(["avoidable bias (training - human)", shown(d.avoidableBias)])
    gaps.add(["variance (\(d.trainDevError == nil ? "dev" : "train-dev") - training)", shown(d.variance)])
    if let v = d.dataMismatch { gaps.add(["data mismatch (dev - train-dev)", shown(v)]) }
    if let v = d.validationGap { gaps.add(["validation gap (test - dev)", shown(v)]) }
    let focus: String
    switch d.focus {
    case .bias: focus = "avoidable bias dominates: work on bias (the model under-fits)"
    case .variance: focus = "variance dominates: work on variance (the model over-fits)"
    case .dataMismatch: focus = "data mismatch dominates: the dev data differs from the training data"
    case .validationOverfit: focus = "the validation gap dominates: the model over-fit the validation set"
    case .balanced: focus = "no single gap dominates"
    }
    return table.render() + "\n" + gaps.render() + "\n\(focus)\nnext steps:\n"
      + d.nextSteps.map { "  - \($0)\n" }.joined() + d.notes.map { "note: \($0)\n" }.joined()
  }
}

/// Runs the diagnosis in the context's workspace.
func diagnose(_ options: DiagnoseOptions, _ context: CommandContext) throws -> DiagnosisOutput {
  DiagnosisOutput(
    diagnosis: try context.requireWorkspace().diagnose(
      metric: options.metric, figures: try options.figures(), unit: options.unit, baselineID: options.baseline))
}
