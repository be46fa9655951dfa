import Foundation
import VersionedStore

/// One record in a lineage: what it is, one line about it, and the records it came from (or,
/// upward, that came from it). Read from what each record stored when it was written; nothing
/// is recomputed.
public struct LineageNode: Sendable, Encodable, Equatable {
  public var path: String
  public var version: Int?
  public var kind: String
  public var summary: String
  public var children: [LineageNode]

  public init(path: String, version: Int?, kind: String, summary: String, children: [LineageNode] = []) {
    self.path = path
    self.version = version
    self.kind = kind
    self.summary = summary
    self.children = children
  }
}

extension Workspace {
  /// The lineage of the record at `path`: downward from a deployment, a model or a run to the
  /// data, labels, code, policy and approval behind it; upward from a dataset to the runs,
  /// models and deployments that used it.
  public func lineage(_ path: String) throws -> (direction: String, root: LineageNode) {
    let parts = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    let usage = "a lineage path is deployments/T, models/NAME[@V], runs/ID or datasets/NAME"
    guard parts.count == 2 else { throw LifecycleError.invalidValue(what: "path", reason: "'\(path)': \(usage)") }
    switch parts[0] {
    case "deployments": return ("down", try deploymentLineage(parts[1]))
    case "models": return ("down", try modelLineage(try model(parts[1])))
    case "runs": return ("down", try runLineage(try run(parts[1])))
    case "datasets": return ("up", try datasetUsage(parts[1]))
    default: throw LifecycleError.invalidValue(what: "path", reason: "'\(path)': \(usage)")
    }
  }

  private func deploymentLineage(_ target: String) throws -> LineageNode {
    let stored = try deployment(target)
    let d = stored.deployment
    var children: [LineageNode] = []
    for share in [d.primary, d.canary].compactMap({ $0 }) {
      var node = try modelLineage(try model(share.reference))
      node.summary = "serves \(share.traffic)%\(share.reference == d.canary?.reference ? " (canary)" : ""); " + node.summary
      children.append(node)
    }
    let serving = [d.primary, d.canary].compactMap { $0 }.map { "\($0.reference) \($0.traffic)%" }.joined(separator: ", ")
    return LineageNode(
      path: "deployments/\(stored.target)", version: stored.version, kind: Deployment.kind,
      summary:
        "\(d.form.rawValue), \(serving.isEmpty ? "nothing serves it" : serving); last change by \(stored.author) \(Timestamp.format(stored.time)): \(stored.message)",
      children: children)
  }

  private func modelLineage(_ model: StoredModel) throws -> LineageNode {
    let m = model.model
    var children: [LineageNode] = []
    let run = try documents.read(Run.path(m.run), version: m.runVersion)
    children.append(
      try runLineage(StoredRun(id: m.run, version: m.runVersion, author: run.envelope.author, run: try run.body(as: Run.self))))
    let approval = try self.approval(model.reference)
    if let signoff = approval.signoff {
      let judged = [
        signoff.evaluation.map { "evaluation \($0.run) \($0.split) v\($0.version)" }, "metric policy v\(signoff.policyVersion ?? 0)",
        signoff.gateVersion == 0 ? "the default gate" : "gate v\(signoff.gateVersion)",
      ].compactMap { $0 }.joined(separator: ", ")
      var node = LineageNode(
        path: "signoffs/\(model.name)/\(model.version)", version: approval.version, kind: Signoff.kind,
        summary: "\(approval.summary); judged \(judged); reason: \(signoff.reason)")
      if let (policy, version) = try metricPolicy() {
        node.children.append(
          LineageNode(path: "metric-policy", version: version, kind: MetricPolicyRecord.kind, summary: "in force now: \(policy.summary)"))
      }
      let (gate, gateVersion) = try self.gate()
      node.children.append(
        LineageNode(
          path: "gate", version: gateVersion == 0 ? nil : gateVersion, kind: Gate.kind,
          summary: (gateVersion == 0 ? "the default gate" : "in force now") + ": " + gate.requirements.dropLast().joined(separator: "; ")))
      children.append(node)
    } else {
      children.append(
        LineageNode(path: "signoffs/\(model.name)/\(model.version)", version: nil, kind: Signoff.kind, summary: "not signed off"))
    }
    let artifact = m.artifact.map { "artifact \($0.name) \($0.sha256)" + ($0.uri.map { " at \($0)" } ?? "") } ?? "no artifact"
    return LineageNode(
      path: "models/\(model.name)", version: model.version, kind: ModelVersion.kind,
      summary: "\(model.reference) registered by \(model.author) \(Timestamp.format(model.time)), \(artifact)", children: children)
  }

  private func runLineage(_ stored: StoredRun) throws -> LineageNode {
    let r = stored.run
    var children: [LineageNode] = []
    if let d = r.dataset {
      children.append(LineageNode(path: "datasets/\(d.name)", version: d.version, kind: Dataset.kind, summary: "\(d.description) items \(d.sha256)"))
    }
    if let l = r.labels {
      let sources = l.sources.keys.sorted().map { "\($0) \(l.sources[$0]!)" }.joined(separator: ", ")
      var text = "label snapshot: \(l.items) items (\(sources)), \(l.unlabelled) unlabelled, \(l.ties) unresolved ties"
      text += l.guidelines.isEmpty ? "" : "; guidelines v" + l.guidelines.map(String.init).joined(separator: ", v")
      if let annotators = l.annotators {
        let shown = annotators.keys.sorted().prefix(20).map { "\($0) \(annotators[$0]!)" }.joined(separator: ", ")
        text += "; labels by \(annotators.count) annotator\(annotators.count == 1 ? "" : "s"): \(shown)\(annotators.count > 20 ? ", …" : "")"
      } else {
        text += "; annotators not recorded (the run started before mlw recorded them)"
      }
      text += l.krippendorffAlpha.map { "; Krippendorff's alpha \(String(format: "%.3f", $0)) at the run's start" } ?? "; \(l.agreementNote ?? "")"
      children.append(
        LineageNode(path: "content/\(l.sha256.replacingOccurrences(of: ":", with: "-")).ndjson", version: nil, kind: "label-snapshot", summary: text))
    }
    if let s = r.splits {
      let counts = s.counts.keys.sorted().map { "\($0) \(s.counts[$0]!)" }.joined(separator: ", ")
      let how = s.rule.map { "rule \($0), seed \(s.seed.map(String.init) ?? "?")" } ?? "from a file"
      children.append(
        LineageNode(
          path: "content/\(s.sha256.replacingOccurrences(of: ":", with: "-")).ndjson", version: nil, kind: "splits",
          summary: "splits: \(counts) (\(how))"))
    }
    let code =
      r.code.map { "code \($0.commit)" + ($0.dirty == true ? " (dirty, diff \($0.diff ?? "?"))" : $0.dirty == false ? " (clean)" : "") }
      ?? "no code recorded"
    return LineageNode(
      path: "runs/\(stored.id)", version: stored.version, kind: Run.kind,
      summary: "run \(stored.id) by \(stored.author), \(r.status.rawValue), started \(Timestamp.format(r.started)); \(code)", children: children)
  }

  private func datasetUsage(_ name: String) throws -> LineageNode {
    let dataset = try self.dataset(name)
    // The runs that pinned it, found through the run index (a workspace of 100,000 runs is not
    // read record by record), then read.
    let pinned = try listRuns(filter: RunFilter.parse("dataset = '\(dataset.id)'"), sort: nil, limit: nil).runs.map(\.id)
    let runs = try pinned.sorted().map(run).filter { $0.run.dataset?.name == dataset.id }
    var models: [String: [StoredModel]] = [:]
    for modelName in try modelNames() {
      for version in try modelVersions(modelName) where runs.contains(where: { $0.id == version.model.run }) {
        models[version.model.run, default: []].append(version)
      }
    }
    var servedBy: [String: [String]] = [:]
    for target in try deploymentTargets() {
      let d = try deployment(target).deployment
      for share in [d.primary, d.canary].compactMap({ $0 }) { servedBy[share.reference, default: []].append("\(target) \(share.traffic)%") }
    }
    let children = runs.map { run in
      LineageNode(
        path: "runs/\(run.id)", version: run.version, kind: Run.kind,
        summary: "trained on \(run.run.dataset!.description)\(run.run.labels.map { ", label snapshot \($0.sha256.prefix(19))…" } ?? "")",
        children: (models[run.id] ?? []).map { model in
          let serving = servedBy[model.reference] ?? []
          return LineageNode(
            path: "models/\(model.name)", version: model.version, kind: ModelVersion.kind, summary: "\(model.reference) from run \(run.id)",
            children: serving.map {
              LineageNode(path: "deployments/\($0.split(separator: " ")[0])", version: nil, kind: Deployment.kind, summary: "serves \($0)")
            })
        })
    }
    let deployed = Set(children.flatMap { $0.children.flatMap(\.children) }.map(\.path)).count
    return LineageNode(
      path: "datasets/\(dataset.id)", version: dataset.version, kind: Dataset.kind,
      summary:
        "\(runs.count) run(s), \(models.values.reduce(0) { $0 + $1.count }) model version(s) and \(deployed) deployment(s) used it; a label fix means retraining these",
      children: children)
  }
}
