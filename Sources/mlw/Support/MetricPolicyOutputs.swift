import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

/// The options of `metric-policy set`, shared by the lead's and the SME's commands.
struct MetricPolicySetOptions: ParsableArguments {
  @OptionGroup var rule: PolicyOptions

  @Option(help: "With --metric: the metric is a named domain formula (mAP, F1, …).")
  var formula: String?

  @Option(help: "The candidate metrics considered (comma-separated; default: those of the current policy).")
  var candidates: String?

  @Flag(help: "Clear the candidate metrics of the current policy.")
  var noCandidates = false

  @Option(
    name: .customLong("slice-bar"),
    help:
      "A bar for a slice or rare class: 'recall[defect]>=0.8', or 'accuracy[region]~0.02' for every region within 0.02 of overall (repeatable; replaces the current bars)."
  )
  var sliceBars: [String] = []

  @Flag(help: "Clear the slice bars of the current policy.")
  var noSliceBars = false

  @Option(help: "Why this rule: recorded with the policy.")
  var rationale: String?

  @Option(help: "A message for the history.")
  var message: String?

  @Option(help: "Fail unless the policy is still at this version.")
  var ifVersion: Int?

  func validate() throws {
    if formula != nil, rule.metric == nil { throw ValidationError("--formula goes with --metric") }
    if noCandidates, candidates != nil { throw ValidationError("give --candidates or --no-candidates, not both") }
    if noSliceBars, !sliceBars.isEmpty { throw ValidationError("give --slice-bar or --no-slice-bars, not both") }
  }

  /// The new policy: the rule given, and the candidates and slice bars given, cleared, or else
  /// kept from `current`; with what was kept.
  func record(keeping current: MetricPolicyRecord?) throws -> (MetricPolicyRecord, kept: [String]) {
    let (policy, directions) = try rule.rule()
    var kept: [String] = []
    var chosen = (candidates ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    if candidates == nil, !noCandidates, let current, !current.candidates.isEmpty {
      chosen = current.candidates
      kept.append("candidates")
    }
    var bars = try sliceBars.map { try MetricPolicyRecord.SliceBar(parsing: $0) }
    if sliceBars.isEmpty, !noSliceBars, let current, !current.sliceBars.isEmpty {
      bars = current.sliceBars
      kept.append("slice bars")
    }
    let record = MetricPolicyRecord(
      candidates: chosen, rule: .init(policy, formula: formula, directions: directions), sliceBars: bars, rationale: rationale)
    return (record, kept)
  }
}

/// What `metric-policy set` and `show` print.
struct MetricPolicyOutput: CommandOutput {
  var version: Int
  var policy: MetricPolicyRecord
  var author: String?
  /// What `set` kept from the previous version because it was not given (absent for `show`).
  var kept: [String]?

  func render() -> String {
    var text = "metric policy v\(version)\(author.map { " by \($0)" } ?? ""): \(policy.summary)\n"
    if let kept, !kept.isEmpty {
      text += "kept from v\(version - 1): \(kept.joined(separator: ", ")) (--no-candidates, --no-slice-bars clear them)\n"
    }
    text += DirectionNotes.render(policy.rule.policy.directions(given: policy.rule.givenDirections))
    if !policy.candidates.isEmpty { text += "candidates: \(policy.candidates.joined(separator: ", "))\n" }
    for bar in policy.sliceBars { text += "bar: \(bar)\n" }
    if let rationale = policy.rationale { text += "why: \(rationale)\n" }
    return text
  }
}

/// What `metric-policy rank` prints.
struct PolicyRankingOutput: CommandOutput {
  var policy: String
  var version: Int
  /// Each ranked metric's direction and where it came from.
  var directions: [MetricDirection.Resolved]
  var models: [RankedModel]

  func render() -> String {
    "policy v\(version): \(policy)\n" + DirectionNotes.render(directions) + Self.table(models)
  }

  /// The ranking as a table, for `metric-policy rank` and `stats rank`.
  static func table(_ models: [RankedModel]) -> String {
    var table = TextTable(["RANK", "MODEL", "SCORE", "ELIGIBLE", "FAILS"], alignments: [.right, .left, .right, .left, .left])
    for m in models {
      table.add([String(m.rank), m.model, m.eligible ? scoreText(m.score) : "-", m.eligible ? "yes" : "no", m.failed.joined(separator: "; ")])
    }
    return table.render()
  }
}

enum MetricPolicyCommands {
  static func set(_ options: MetricPolicySetOptions, _ context: CommandContext) throws -> MetricPolicyOutput {
    let workspace = try context.requireWorkspace()
    let current = try workspace.metricPolicy()
    let (record, kept) = try options.record(keeping: current?.0)
    let actor = try context.requireActor()
    // What is kept was read at this version: publish only over it.
    let version = try workspace.setMetricPolicy(
      record, actor: actor, message: options.message, ifVersion: options.ifVersion ?? current?.1 ?? 0, now: context.now)
    return MetricPolicyOutput(version: version, policy: record, author: actor.name, kept: kept)
  }

  static func show(_ context: CommandContext) throws -> MetricPolicyOutput {
    let workspace = try context.requireWorkspace()
    guard let (record, version) = try workspace.metricPolicy() else {
      throw StoreError.notFound(what: "metric policy", hint: "none is set yet: a lead or the SME sets one (mlw lead metric-policy set)")
    }
    let author = try workspace.documents.read(MetricPolicyRecord.path, version: version).envelope.author
    return MetricPolicyOutput(version: version, policy: record, author: author)
  }

  static func rank(file given: InputFile, _ context: CommandContext) throws -> PolicyRankingOutput {
    let file = try context.path(reading: given)
    let input = try ResultsInput(file: file)
    let workspace = try context.requireWorkspace()
    do {
      let (record, ranked) = try workspace.rankUnderPolicy(input.models, columns: input.metrics)
      return PolicyRankingOutput(
        policy: record.summary, version: try workspace.metricPolicy()!.1,
        directions: record.rule.policy.directions(given: record.rule.givenDirections), models: ranked)
    } catch PolicyProblem.unknownMetric(let name, let available) {
      throw InputError(file: file, line: 1, "the policy uses '\(name)', which the table lacks (columns: \(available.joined(separator: ", ")))")
    } catch let problem as PolicyProblem {
      throw problem.described(file: file)
    } catch PolicyTableError.missingColumn(let column, let bar) {
      throw InputError(file: file, line: 1, "the bar '\(bar)' needs the column '\(column)', which the table lacks")
    }
  }
}

/// The lines that say which metrics' directions were only assumed from an unknown name.
enum DirectionNotes {
  static func render(_ directions: [MetricDirection.Resolved]) -> String {
    directions.filter { !$0.isKnown }.map { "note: \($0.metric): \($0.reason)\n" }.joined()
  }
}

extension PolicyProblem {
  /// The one-line error a person reads for this problem with `file`'s table.
  func described(file: String) -> any Error {
    switch self {
    case .unknownMetric(let name, let available):
      InputError(file: file, line: 1, "the table has no column '\(name)' (columns: \(available.joined(separator: ", ")))")
    case .invalidWeight(let reason): LifecycleError.invalidValue(what: "--weights", reason: reason)
    case .empty: InputError(file: file, "no models")
    case .mixedDirections(let assumed): MetricPolicyRecord.mixedDirections(assumed: assumed)
    case .notFinite(let model):
      InputError(file: file, "the score of model '\(model)' is not a finite number (its figures overflow double precision); scale the metrics down")
    }
  }
}
