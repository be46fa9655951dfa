import Foundation
import VersionedStore

/// One version of a registered model: the run it came from, the artifact's hash, the run's
/// evaluations when it was registered, and its model card. The versions of `models/<name>/` are
/// the model's versions (1, 2, …): registering publishes the next one. Schema:
/// `schemas/kinds/model.schema.json`.
public struct ModelVersion: DocumentBody, Equatable {
  public static let kind = "model"
  public static let schemaVersion = 1
  public static let collection = RecordPath(trusted: ["models"])
  public static func path(_ name: String) -> RecordPath { RecordPath(trusted: ["models", name]) }

  /// An evaluation of the run as it stood when the model was registered.
  public struct EvaluationPin: Codable, Sendable, Equatable {
    public var split: String
    public var version: Int
    public var items: Int
    public var metrics: [String: Double]
    public var policy: Evaluation.PolicyScore?
  }

  public var run: String
  /// The run's record version read at registration.
  public var runVersion: Int
  /// Nil for a run without artifacts: the version says "no artifact".
  public var artifact: Run.Artifact?
  public var dataset: Run.DatasetPin?
  public var code: Run.Code?
  public var evaluations: [EvaluationPin]
  public var card: ModelCard
}

/// A model card (Mitchell et al. 2019, "Model Cards for Model Reporting"): the sections a reader
/// needs to judge where a model may be used. `trainingData`, `evaluationData` and `metrics` are
/// filled from the run when not given.
public struct ModelCard: Codable, Sendable, Equatable {
  public var details: String?
  public var intendedUse: String?
  public var outOfScope: String?
  public var factors: String?
  public var metrics: String?
  public var evaluationData: String?
  public var trainingData: String?
  public var ethicalConsiderations: String?
  public var caveats: String?

  public init(
    details: String? = nil, intendedUse: String? = nil, outOfScope: String? = nil, factors: String? = nil, metrics: String? = nil,
    evaluationData: String? = nil, trainingData: String? = nil, ethicalConsiderations: String? = nil, caveats: String? = nil
  ) {
    self.details = details
    self.intendedUse = intendedUse
    self.outOfScope = outOfScope
    self.factors = factors
    self.metrics = metrics
    self.evaluationData = evaluationData
    self.trainingData = trainingData
    self.ethicalConsiderations = ethicalConsiderations
    self.caveats = caveats
  }

  /// The sections in the paper's order, with the key each has in a card file.
  public static var sections: [(key: String, title: String, path: WritableKeyPath<ModelCard, String?>)] {
    [
      ("details", "Model details", \.details), ("intendedUse", "Intended use", \.intendedUse),
      ("outOfScope", "Out-of-scope uses", \.outOfScope), ("factors", "Factors", \.factors), ("metrics", "Metrics", \.metrics),
      ("evaluationData", "Evaluation data", \.evaluationData), ("trainingData", "Training data", \.trainingData),
      ("ethicalConsiderations", "Ethical considerations", \.ethicalConsiderations), ("caveats", "Caveats and recommendations", \.caveats),
    ]
  }

  /// Reads a card file: a JSON object with some of the keys of `sections`, each a string.
  public init(file path: String, given: String) throws {
    let bytes = TextBytes.withoutBOM(try FileIO.read(path))
    guard bytes.count <= 1 << 20 else { throw InputError(file: given, "is over 1 MiB; a model card is text") }
    let value: JSONValue
    do { value = try JSONValue.parse(bytes) } catch { throw InputError(file: given, "is not JSON: \(error)") }
    guard case .object(let fields) = value else { throw InputError(file: given, "must be a JSON object with the card's sections as keys") }
    let known = Self.sections.map(\.key)
    self.init()
    for (key, field) in fields {
      guard let section = Self.sections.first(where: { $0.key == key }) else {
        throw InputError(file: given, "unknown key '\(key)'; a card's keys are \(known.joined(separator: ", "))")
      }
      guard case .string(let text) = field else { throw InputError(file: given, "'\(key)' must be a string") }
      self[keyPath: section.path] = try Self.checked(text, what: key)
    }
  }

  /// A section as given: trimmed, nil when empty, refused over 20,000 bytes.
  public static func checked(_ text: String, what: String) throws -> String? {
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    guard trimmed.utf8.count <= 20_000 else {
      throw LifecycleError.invalidValue(what: what, reason: "at most 20,000 bytes (link to a longer document)")
    }
    try PlainText.check(trimmed, what: what)
    return trimmed.isEmpty ? nil : trimmed
  }

  /// The sections still empty.
  public var missing: [String] { Self.sections.filter { self[keyPath: $0.path] == nil }.map(\.title) }
}

/// Which aliases point at which version of a model (`champion` → 3). Stored at
/// `model-aliases/<name>/`; moving an alias publishes a new version. Schema:
/// `schemas/kinds/model-aliases.schema.json`.
public struct ModelAliases: DocumentBody, Equatable {
  public static let kind = "model-aliases"
  public static let schemaVersion = 1
  public static func path(_ name: String) -> RecordPath { RecordPath(trusted: ["model-aliases", name]) }

  public var aliases: [String: Int]
}

/// A model version with its name, attribution and the aliases that point at it now.
public struct StoredModel: Sendable {
  public var name: String
  public var version: Int
  public var latest: Int
  public var author: String
  public var time: Date
  public var model: ModelVersion
  public var aliases: [String]

  /// `name@version`.
  public var reference: String { "\(name)@\(version)" }
}

extension Workspace {
  /// The names of every registered model, sorted.
  public func modelNames() throws -> [String] {
    guard FileIO.isDirectory(documents.folder(ModelVersion.collection)) else { return [] }
    return try documents.children(of: ModelVersion.collection).filter { try documents.latestVersion(of: ModelVersion.path($0)) > 0 }
  }

  public func modelAliases(_ name: String) throws -> (ModelAliases, Int) {
    let path = ModelAliases.path(name)
    let latest = try documents.latestVersion(of: path)
    guard latest > 0 else { return (ModelAliases(aliases: [:]), 0) }
    return (try documents.read(path, version: latest).body(as: ModelAliases.self), latest)
  }

  /// Resolves `NAME`, `NAME@VERSION` or `NAME@ALIAS` to a model version.
  public func model(_ reference: String) throws -> StoredModel {
    let parts = reference.split(separator: "@", maxSplits: 1, omittingEmptySubsequences: false).map(String.init)
    let name = try Name(parts[0], what: "model name").value
    let latest = try documents.latestVersion(of: ModelVersion.path(name))
    guard latest > 0 else {
      let known = try modelNames()
      throw StoreError.notFound(
        what: "model '\(name)'",
        hint: known.isEmpty
          ? "none is registered yet (mlw engineer model register NAME --run RUN)" : "the models are \(known.joined(separator: ", "))")
    }
    let (aliases, _) = try modelAliases(name)
    var version = latest
    if parts.count == 2 {
      if let number = Int(parts[1]) {
        guard number >= 1, number <= latest else {
          throw StoreError.notFound(what: "version \(parts[1]) of model '\(name)'", hint: "it has versions 1 to \(latest)")
        }
        version = number
      } else if let aliased = aliases.aliases[parts[1]] {
        version = aliased
      } else {
        let known = aliases.aliases.keys.sorted()
        throw StoreError.notFound(
          what: "version or alias '\(parts[1])' of model '\(name)'",
          hint: "it has versions 1 to \(latest)" + (known.isEmpty ? " and no aliases" : " and the aliases \(known.joined(separator: ", "))"))
      }
    }
    let stored = try documents.read(ModelVersion.path(name), version: version)
    return StoredModel(
      name: name, version: version, latest: latest, author: stored.envelope.author, time: stored.envelope.time,
      model: try stored.body(as: ModelVersion.self), aliases: aliases.aliases.filter { $0.value == version }.keys.sorted())
  }

  /// Every version of model `name`, oldest first.
  public func modelVersions(_ name: String) throws -> [StoredModel] {
    let latest = try model(name).latest
    return try (1...latest).map { try model("\(name)@\($0)") }
  }

  /// Registers the next version of model `name` from run `runID`: its artifact `artifactName`
  /// (the run's only one when not named; none when it has none), its evaluations now, and the
  /// card, whose data sections are filled from the run where not given.
  public func registerModel(
    _ name: String, run runID: String, artifact artifactName: String?, card given: ModelCard, actor: Actor, message: String?, now: Date
  ) throws -> StoredModel {
    let name = try Name(name, what: "model name").value
    let run = try self.run(runID)
    guard run.run.status == .finished else {
      throw LifecycleError.refused(
        "run '\(runID)' is \(run.run.status.rawValue); a model is registered from a finished run (mlw engineer run finish \(runID))")
    }
    let artifact: Run.Artifact?
    if let artifactName {
      guard let found = run.run.artifacts.first(where: { $0.name == artifactName }) else {
        let names = run.run.artifacts.map(\.name)
        throw StoreError.notFound(
          what: "artifact '\(artifactName)' of run '\(runID)'",
          hint: names.isEmpty ? "the run has none (mlw engineer run artifact \(runID) FILE)" : "it has \(names.joined(separator: ", "))")
      }
      artifact = found
    } else if run.run.artifacts.count > 1 {
      throw LifecycleError.invalidValue(
        what: "--artifact",
        reason: "run '\(runID)' has \(run.run.artifacts.count) artifacts (\(run.run.artifacts.map(\.name).joined(separator: ", "))); name one")
    } else {
      artifact = run.run.artifacts.first
    }
    let evaluations = try self.evaluations(of: runID).map {
      ModelVersion.EvaluationPin(
        split: $0.evaluation.split, version: $0.version, items: $0.evaluation.items,
        metrics: $0.evaluation.metrics.filter { Evaluation.headline.contains($0.key) }, policy: $0.evaluation.policy)
    }
    var card = given
    if card.trainingData == nil, let dataset = run.run.dataset {
      var text = "\(dataset.description) (\(dataset.sha256.prefix(19))…)"
      if let train = run.run.splits?.counts["train"] { text += ", \(train) items in the train split" }
      if let labels = run.run.labels {
        text += "; labels: \(labels.items) consensus labels"
        if let alpha = labels.krippendorffAlpha { text += ", Krippendorff's alpha \(String(format: "%.3f", alpha)) at the run's start" }
        if !labels.guidelines.isEmpty { text += ", guidelines v\(labels.guidelines.map(String.init).joined(separator: ", v"))" }
      }
      card.trainingData = text
    }
    if card.evaluationData == nil, !evaluations.isEmpty {
      card.evaluationData = evaluations.map { "\($0.split): \($0.items) items (evaluation v\($0.version))" }.joined(separator: "; ")
    }
    if card.metrics == nil, let (policy, version) = try metricPolicy() {
      card.metrics =
        "metric policy v\(version): \(policy.summary)"
        + (policy.sliceBars.isEmpty ? "" : "; bars: " + policy.sliceBars.map(\.description).joined(separator: "; "))
    }
    let body = ModelVersion(
      run: runID, runVersion: run.version, artifact: artifact, dataset: run.run.dataset, code: run.run.code, evaluations: evaluations, card: card)
    let path = ModelVersion.path(name)
    let latest = try documents.latestVersion(of: path)
    let what = artifact.map { "artifact \($0.name) \($0.sha256.prefix(19))" } ?? "no artifact"
    let stored = try publish(
      path, body, actor: actor, message: message ?? "register model \(name)@\(latest + 1) from run \(runID) (\(what))", expecting: latest, now: now)
    return try model("\(name)@\(stored.envelope.version)")
  }

  /// Points `alias` of model `name` at `version` (moving it from where it was).
  public func setModelAlias(_ reference: String, alias: String, actor: Actor, message: String?, now: Date) throws -> (StoredModel, moved: Int?) {
    guard reference.contains("@"), let version = Int(reference.split(separator: "@").last ?? "") else {
      throw LifecycleError.invalidValue(what: "model", reason: "'\(reference)' must name a version, like defects@2")
    }
    let target = try model(reference)
    let alias = try Name(alias, what: "alias").value
    guard Int(alias) == nil else {
      throw LifecycleError.invalidValue(what: "alias", reason: "'\(alias)' is a number; an alias is a word like champion")
    }
    guard alias != "latest" else {
      throw LifecycleError.invalidValue(what: "alias", reason: "'latest' would read as the newest version; NAME alone is the latest")
    }
    var (aliases, current) = try modelAliases(target.name)
    let previous = aliases.aliases[alias]
    guard previous != version else { throw LifecycleError.refused("\(alias) points at \(target.reference) already") }
    aliases.aliases[alias] = version
    let text = previous.map { "alias \(alias): \(target.name)@\($0) → \(version)" } ?? "alias \(alias) → \(target.reference)"
    _ = try publish(ModelAliases.path(target.name), aliases, actor: actor, message: message ?? text, expecting: current, now: now)
    return (try model(target.reference), previous)
  }
}
