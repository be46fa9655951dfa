import ArgumentParser
import Foundation
import Lifecycle
import VersionedStore

// What the commands of the bias/variance diagnosis share (`engineer|lead diagnose`).

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
