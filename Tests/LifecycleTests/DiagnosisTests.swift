import Foundation
import Testing

@testable import Lifecycle

@Suite struct DiagnosisTests {
  /// Andrew Ng's worked examples, exactly.
  @Test func ngsExamplesComeOutExactly() {
    let bias = Diagnosis.diagnose(metric: "error", humanError: 1, humanBaseline: "h", train: 8, trainDev: nil, dev: 10, test: nil)
    #expect(bias.avoidableBias == 7 && bias.variance == 2 && bias.focus == .bias)
    #expect(bias.nextSteps.contains("train a bigger model"))
    let variance = Diagnosis.diagnose(metric: "error", humanError: 7.5, humanBaseline: "h", train: 8, trainDev: nil, dev: 10, test: nil)
    #expect(variance.avoidableBias == 0.5 && variance.variance == 2 && variance.focus == .variance)
    #expect(variance.nextSteps.contains("get more training data"))
    // The same in fractions: no 0.020000000000000004.
    let fractions = Diagnosis.diagnose(metric: "error", humanError: 0.01, humanBaseline: "h", train: 0.08, trainDev: nil, dev: 0.10, test: nil)
    #expect(fractions.avoidableBias == 0.07 && fractions.variance == 0.02)
  }

  @Test func negativeBiasMismatchAndValidationOverfitAreRecognised() {
    let beats = Diagnosis.diagnose(metric: "error", humanError: 5, humanBaseline: "h", train: 3, trainDev: nil, dev: 9, test: nil)
    #expect(beats.avoidableBias == -2 && beats.focus == .variance)
    #expect(beats.notes.contains { $0.contains("human baseline is loose") })
    let mismatch = Diagnosis.diagnose(metric: "error", humanError: 1, humanBaseline: "h", train: 2, trainDev: 2.5, dev: 9, test: nil)
    #expect(mismatch.dataMismatch == 6.5 && mismatch.variance == 0.5 && mismatch.focus == .dataMismatch)
    #expect(mismatch.nextSteps.contains { $0.contains("domain adaptation") })
    let overfit = Diagnosis.diagnose(metric: "error", humanError: 1, humanBaseline: "h", train: 2, trainDev: nil, dev: 3, test: 9)
    #expect(overfit.validationGap == 6 && overfit.focus == .validationOverfit)
    #expect(overfit.nextSteps == ["collect a larger validation (dev) set"])
  }
}

@Suite struct BaselineTests {
  let root: Root
  let workspace: Workspace
  let now = Date(timeIntervalSince1970: 1_795_000_000)

  init() throws {
    var template = Array((NSTemporaryDirectory() + "/mlw-base-XXXXXX").utf8CString)
    root = Root(path: template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) })
    workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
  }

  func human(_ error: Double, quality: Baseline.HumanQuality = .domainExpert) -> Baseline {
    Baseline(
      type: .humanLevel, quality: quality, measured: "3 experts", metrics: ["error": error, "accuracy": 1 - error], source: "study",
      date: "2026-11-20")
  }

  func figures(_ train: Double, _ dev: Double, unit: FigureUnit? = nil, human: Figure? = nil) -> DiagnosisFigures {
    DiagnosisFigures(train: Figure(value: train, unit: unit), trainDev: nil, dev: Figure(value: dev, unit: unit), test: nil, human: human)
  }

  /// A human level of error=0.01 and `--train 8 --dev 10` gave avoidable bias 7.99: bare figures
  /// are in the baseline's unit, `%` converts, and a figure that cannot be in that unit is refused.
  @Test func figuresAreConvertedIntoOneUnitOrRefused() throws {
    let sme = Actor(name: "sam", role: .sme)
    let fraction = Baseline(
      type: .humanLevel, quality: .domainExpert, measured: "3 experts", metrics: ["error": 0.01], source: "s", date: "2026-11-20")
    try workspace.recordBaseline("hlp", fraction, actor: sme, message: nil, ifVersion: nil, now: now)
    #expect(throws: LifecycleError.self) { try workspace.diagnose(metric: "error", figures: figures(8, 10), unit: nil, baselineID: nil) }
    let percent = try workspace.diagnose(metric: "error", figures: figures(8, 10, unit: .percent), unit: nil, baselineID: nil)
    #expect(percent.unit == .fraction && percent.avoidableBias == 0.07 && percent.variance == 0.02 && percent.notes.count == 2)
    let stated = try workspace.diagnose(metric: "error", figures: figures(8, 10), unit: .percent, baselineID: nil)
    #expect(stated.unit == .percent && stated.humanError == 1 && stated.avoidableBias == 7)
    // Accuracy against an error baseline: 1 − accuracy on both sides.
    let accuracy = try workspace.diagnose(metric: "accuracy", figures: figures(92, 90, unit: .percent), unit: nil, baselineID: nil)
    #expect(accuracy.humanError == 0.01 && accuracy.trainError == 0.08 && accuracy.avoidableBias == 0.07)
    // A baseline given in percent makes percent the default, and compares with fractions in one unit.
    let inPercent = Baseline(
      type: .humanLevel, quality: .specialist, measured: "2 specialists", metrics: ["error": 0.5], units: ["error": .percent], source: "s",
      date: "2026-11-21")
    try workspace.recordBaseline("specialists", inPercent, actor: sme, message: nil, ifVersion: nil, now: now)
    #expect(Workspace.bestBaselines(try workspace.baselines()).first?.id == "specialists")  // 0.5% beats 0.01
    let d = try workspace.diagnose(metric: "error", figures: figures(8, 10), unit: nil, baselineID: nil)
    #expect(d.unit == .percent && d.humanError == 0.5 && d.avoidableBias == 7.5)
    // Without a baseline.
    let given = try workspace.diagnose(
      metric: "error", figures: figures(0.08, 0.1, human: Figure(value: 0.02, unit: nil)), unit: nil, baselineID: nil)
    #expect(given.humanBaseline == "--human" && given.avoidableBias == 0.06)
  }

  @Test func bestPerMetricAndHumanLevelFeedTheDiagnosis() throws {
    let sme = Actor(name: "sam", role: .sme)
    try workspace.recordBaseline("experts", human(0.02), actor: sme, message: nil, ifVersion: nil, now: now)
    try workspace.recordBaseline("specialists", human(0.01, quality: .specialist), actor: sme, message: nil, ifVersion: nil, now: now)
    let rules = Baseline(type: .ruleBased, quality: nil, measured: nil, metrics: ["error": 0.2], source: "vendor rules", date: "2026-01-02")
    try workspace.recordBaseline("rules", rules, actor: Actor(name: "eve", role: .engineer), message: nil, ifVersion: nil, now: now)
    let best = Workspace.bestBaselines(try workspace.baselines())
    #expect(best.first { $0.metric == "error" }?.id == "specialists")
    #expect(best.first { $0.metric == "accuracy" }?.value == 0.99)
    let d = try workspace.diagnose(metric: "accuracy", figures: figures(0.95, 0.90), unit: nil, baselineID: nil)
    #expect(d.humanError == 0.01 && d.avoidableBias == 0.04 && d.variance == 0.05 && d.focus == .variance)
    #expect(throws: LifecycleError.self) {
      try workspace.diagnose(metric: "error", figures: figures(0.1, 0.2), unit: nil, baselineID: "rules")
    }
    #expect(throws: LifecycleError.self) {
      try workspace.diagnose(metric: "f1", figures: figures(0.1, 0.2), unit: nil, baselineID: nil)
    }
  }

  @Test func invalidBaselinesAreRefusedAndNothingIsStored() throws {
    let sme = Actor(name: "sam", role: .sme)
    var noQuality = human(0.02)
    noQuality.quality = nil
    var badDate = human(0.02)
    badDate.date = "2026-02-30"
    let noMetrics = Baseline(type: .literature, quality: nil, measured: nil, metrics: [:], source: "paper", date: "2026-01-01")
    let qualityOnLiterature = Baseline(type: .literature, quality: .crowd, measured: nil, metrics: ["f1": 0.8], source: "paper", date: "2026-01-01")
    for bad in [noQuality, badDate, noMetrics, qualityOnLiterature] {
      #expect(throws: LifecycleError.self) { try workspace.recordBaseline("b", bad, actor: sme, message: nil, ifVersion: nil, now: now) }
    }
    #expect(try workspace.baselines().isEmpty)
    try workspace.recordBaseline("b", human(0.02), actor: sme, message: nil, ifVersion: nil, now: now)
    #expect(throws: LifecycleError.self) { try workspace.recordBaseline("b", human(0.03), actor: sme, message: nil, ifVersion: nil, now: now) }
    let replaced = try workspace.recordBaseline("b", human(0.03), actor: sme, message: "remeasured", ifVersion: 1, now: now)
    #expect(replaced.version == 2)
    #expect(Baseline.lowerIsBetter("error") && Baseline.lowerIsBetter("latency_ms") && !Baseline.lowerIsBetter("recall"))
  }
}
