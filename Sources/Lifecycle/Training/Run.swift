import Foundation
import VersionedStore

/// A training run: what it trained on (dataset version, label snapshot, splits, code) and how
/// (params, tags), fixed at start; its status, end and artifacts as it goes on. Stored at
/// `runs/<id>/`; a new version on finish and on each artifact. Its metric points are a log,
/// `runs/<id>/metrics.jsonl` (see `MetricPoint`). Schema: `schemas/kinds/run.schema.json`.
public struct Run: DocumentBody, Equatable {
  public static let kind = "run"
  public static let schemaVersion = 1
  public static let collection = RecordPath(trusted: ["runs"])
  public static func path(_ id: String) -> RecordPath { RecordPath(trusted: ["runs", id]) }

  public enum Status: String, Codable, Sendable, CaseIterable {
    case running, finished, failed, killed
  }

  /// The dataset version a run trained on.
  public struct DatasetPin: Codable, Sendable, Equatable {
    public var name: String
    public var version: Int
    /// `sha256:<hex>` of the version's items file.
    public var sha256: String

    public var description: String { "\(name)@\(version)" }
  }

  /// The code a run was trained with.
  public struct Code: Codable, Sendable, Equatable {
    /// The git commit, as given or read from the repository.
    public var commit: String
    /// Whether the working tree had uncommitted changes (known only when read with `--repo`).
    public var dirty: Bool?
    /// `sha256:<hex>` of `git diff HEAD` when the tree was dirty.
    public var diff: String?

    public init(commit: String, dirty: Bool?, diff: String?) {
      self.commit = commit
      self.dirty = dirty
      self.diff = diff
    }
  }

  /// A file the run produced: stored here by hash, or kept elsewhere at `uri`.
  public struct Artifact: Codable, Sendable, Equatable {
    public var name: String
    public var sha256: String
    /// Size in bytes, for a stored file.
    public var bytes: Int?
    /// Where a file kept outside mlw is.
    public var uri: String?
  }

  public var status: Status
  public var started: Date
  public var ended: Date?
  /// Nil for a run imported without a matching dataset version.
  public var dataset: DatasetPin?
  public var labels: LabelSnapshot?
  public var splits: Splits?
  public var code: Code?
  /// Typed where the text parses as a number or a boolean; fixed at start.
  public var params: [String: JSONValue]
  public var tags: [String: String]
  public var parent: String?
  public var artifacts: [Artifact]
  /// Where an imported run came from (`mlflow`), with its id there.
  public var imported: Imported?

  public struct Imported: Codable, Sendable, Equatable {
    public var from: String
    public var id: String
    public var experiment: String?
  }

  public init(
    status: Status, started: Date, ended: Date? = nil, dataset: DatasetPin?, labels: LabelSnapshot?, splits: Splits?, code: Code?,
    params: [String: JSONValue], tags: [String: String], parent: String?, artifacts: [Artifact] = [], imported: Imported? = nil
  ) {
    self.status = status
    self.started = started
    self.ended = ended
    self.dataset = dataset
    self.labels = labels
    self.splits = splits
    self.code = code
    self.params = params
    self.tags = tags
    self.parent = parent
    self.artifacts = artifacts
    self.imported = imported
  }

  /// A `--param` or `--tag` value: a number or a boolean where the text is one, else text.
  public static func typedValue(_ text: String) -> JSONValue {
    switch text {
    case "true": return .bool(true)
    case "false": return .bool(false)
    default: break
    }
    // A number only where the text is one as written (not 0001, not beyond 64 bits, not a
    // value that rounds to 0 or infinity), so the stored value reads back as given.
    switch ItemsInput.number(text) {
    case .int(let n)?: return .int(n)
    case .double(let d)? where d != 0 || !text.contains(where: { "123456789".contains($0) }): return .double(d)
    default: return .string(text)
    }
  }

  /// Parses `KEY=VALUE` for `what` (`--param`, `--tag`): a key like `lr` or `optimizer.beta1`.
  public static func parsePair(_ text: String, what: String, environment: Bool = false) throws -> (key: String, value: String) {
    guard let equals = text.firstIndex(of: "=") else {
      throw LifecycleError.invalidValue(
        what: what, reason: "'\(InputError.shown(text))' is not KEY=VALUE, e.g. \(environment ? "MODEL_PATH=/models/a.pt" : "lr=0.001")")
    }
    let key = String(text[..<equals]).trimmingCharacters(in: .whitespaces)
    let value = String(text[text.index(after: equals)...])
    if environment {
      // A POSIX environment name: letters, digits and _, not starting with a digit.
      let bytes = Array(key.utf8)
      let valid =
        !bytes.isEmpty && bytes.count <= 128 && !(bytes[0] >= 48 && bytes[0] <= 57)
        && bytes.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 65 && $0 <= 90) || ($0 >= 97 && $0 <= 122) || $0 == 95 }
      guard valid else {
        throw LifecycleError.invalidValue(
          what: what, reason: "key '\(InputError.shown(key))' must be an environment name like MODEL_PATH ([A-Za-z_][A-Za-z0-9_]*)")
      }
    } else if Name.problem(with: key) != nil {
      throw LifecycleError.invalidValue(what: what, reason: "key '\(key)' must be like lr or optimizer.beta1 ([a-z0-9][a-z0-9._-]*)")
    }
    guard value.utf8.count <= 1000, !value.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
      throw LifecycleError.invalidValue(what: what, reason: "the value of '\(key)' must be one line of at most 1,000 bytes")
    }
    return (key, value)
  }

  /// Parses `--param` (typed) and `--tag` (text) pairs; a key given twice is refused.
  public static func parsePairs(params: [String], tags: [String]) throws -> (params: [String: JSONValue], tags: [String: String]) {
    var typed: [String: JSONValue] = [:]
    for text in params {
      let (key, value) = try parsePair(text, what: "--param")
      guard typed[key] == nil else { throw LifecycleError.invalidValue(what: "--param", reason: "'\(key)' is given twice") }
      typed[key] = typedValue(value)
    }
    var texts: [String: String] = [:]
    for text in tags {
      let (key, value) = try parsePair(text, what: "--tag")
      guard texts[key] == nil else { throw LifecycleError.invalidValue(what: "--tag", reason: "'\(key)' is given twice") }
      texts[key] = value
    }
    return (typed, texts)
  }

  /// Checks a split name given with `--split`.
  public static func checkSplit(_ text: String) throws {
    guard Name.problem(with: text) == nil else {
      throw LifecycleError.invalidValue(what: "--split", reason: "'\(text)' must be a name like train or dev ([a-z0-9][a-z0-9._-]*)")
    }
  }

  /// Checks a commit given with `--code`: 7 to 64 hex digits.
  public static func checkCommit(_ text: String) throws {
    let ok = (7...64).contains(text.utf8.count) && text.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    guard ok else { throw LifecycleError.invalidValue(what: "--code", reason: "'\(text)' is not a git commit (7 to 64 lowercase hex digits)") }
  }
}

/// A run with its id, version and who started it.
public struct StoredRun: Sendable {
  public var id: String
  public var version: Int
  public var author: String
  public var run: Run
}

/// What a run's start pins: read before anything is stored, so a refusal stores nothing.
public struct RunStart: Sendable {
  public var id: String
  /// `NAME`, `NAME@VERSION` or `NAME@sha256:HEX`.
  public var dataset: String
  public var splits: SplitSource?
  public var code: Run.Code?
  public var params: [String: JSONValue]
  public var tags: [String: String]
  public var parent: String?
  public var ties: TieRule

  public init(
    id: String, dataset: String, splits: SplitSource?, code: Run.Code?, params: [String: JSONValue], tags: [String: String], parent: String?,
    ties: TieRule
  ) {
    self.id = id
    self.dataset = dataset
    self.splits = splits
    self.code = code
    self.params = params
    self.tags = tags
    self.parent = parent
    self.ties = ties
  }
}

extension Workspace {
  /// Where label snapshots, splits, predictions and artifacts are stored, each once by hash.
  public var content: ContentStore { ContentStore(folder: folder + "/content") }

  /// The ids of every run, sorted.
  public func runIDs() throws -> [String] {
    try documents.children(of: Run.collection).filter { try documents.latestVersion(of: Run.path($0)) > 0 }
  }

  /// The newest version of run `id`, or an error naming the runs.
  public func run(_ id: String) throws -> StoredRun {
    _ = try Name(id, what: "run id")
    guard try documents.latestVersion(of: Run.path(id)) > 0 else {
      let known = try runIDs()
      let hint = known.isEmpty ? "there are none yet: start one (mlw engineer run start)" : "'mlw engineer run list' lists the \(known.count)"
      throw StoreError.notFound(what: "run '\(id)'", hint: hint)
    }
    let stored = try documents.read(Run.path(id))
    return StoredRun(id: id, version: stored.envelope.version, author: stored.envelope.author, run: try stored.body(as: Run.self))
  }

  /// Every run.
  public func runs() throws -> [StoredRun] { try runIDs().map(run) }

  /// Resolves `NAME`, `NAME@VERSION` or `NAME@sha256:HEX` to a dataset version.
  public func datasetVersion(_ reference: String) throws -> StoredDataset {
    guard let at = reference.firstIndex(of: "@") else { return try dataset(reference) }
    let name = String(reference[..<at])
    let which = String(reference[reference.index(after: at)...])
    if which.hasPrefix("sha256:") {
      guard let found = try datasetVersions(name).last(where: { $0.dataset.items == which }) else {
        throw StoreError.notFound(
          what: "version of dataset '\(name)' with items \(which)", hint: "'mlw engineer dataset show \(name)' lists its versions")
      }
      return found
    }
    guard let version = Int(which), version > 0 else {
      throw LifecycleError.invalidValue(what: "--dataset", reason: "'\(reference)' is not NAME, NAME@VERSION or NAME@sha256:HEX")
    }
    let latest = try dataset(name).version
    guard version <= latest else { throw StoreError.versionNotFound(path: "datasets/\(name)", version: version, latest: latest) }
    return try dataset(name, version: version)
  }

  /// Starts a run: pins the dataset version, its consensus labels now and the splits, then
  /// publishes the run's first version. The snapshot and splits are stored by hash first; a
  /// refusal (an unknown version, an item in two splits, an id that exists) stores nothing.
  public func startRun(_ start: RunStart, actor: Actor, message: String?, now: Date) throws -> StoredRun {
    let id = try Name(start.id, what: "run id")
    if try documents.latestVersion(of: Run.path(id.value)) > 0 {
      throw StoreError.alreadyExists(path: "run '\(id)' (a run's id is its own; pick another, e.g. \(id)-2)")
    }
    if let parent = start.parent { _ = try run(parent) }
    let version = try datasetVersion(start.dataset)
    let items = try itemsFile(version).ids
    let snapshot = try labelSnapshot(of: version, items: items, ties: start.ties)
    let splits = try start.splits.map { try $0.resolve(items: items, dataset: version.id) }
    // Everything is read and checked; now store.
    var pinnedLabels = snapshot?.summary
    if let snapshot {
      pinnedLabels?.sha256 = try content.put(snapshot.bytes, extension: "ndjson")
    }
    var pinnedSplits = splits?.summary
    if let splits {
      pinnedSplits?.sha256 = try content.put(splits.bytes, extension: "ndjson")
    }
    let run = Run(
      status: .running, started: now, dataset: Run.DatasetPin(name: version.id, version: version.version, sha256: version.dataset.items),
      labels: pinnedLabels, splits: pinnedSplits, code: start.code, params: start.params, tags: start.tags, parent: start.parent)
    // A log no record names (an import a crash cut short) is not this run's.
    let orphan = metricLog(id.value).path
    if FileIO.exists(orphan) { try FileManager.default.removeItem(atPath: orphan) }
    let stored = try publish(
      Run.path(id.value), run, actor: actor, message: message ?? "start run \(id) on \(version.id)@\(version.version)", expecting: 0, now: now)
    return StoredRun(id: id.value, version: stored.envelope.version, author: actor.name, run: run)
  }

  /// Ends a running run with `status`.
  public func finishRun(_ id: String, status: Run.Status, actor: Actor, message: String?, now: Date) throws -> StoredRun {
    var current = try run(id)
    guard status != .running else {
      throw LifecycleError.invalidValue(what: "--status", reason: "a run finishes as finished, failed or killed")
    }
    guard current.run.status == .running else {
      throw LifecycleError.invalidValue(
        what: "run",
        reason: "run '\(id)' ended already (\(current.run.status.rawValue), \(Timestamp.format(current.run.ended ?? now))); start a new run")
    }
    current.run.status = status
    current.run.ended = now
    let stored = try publish(
      Run.path(id), current.run, actor: actor, message: message ?? "run \(id) \(status.rawValue)", expecting: current.version, now: now)
    current.version = stored.envelope.version
    return current
  }

  /// Adds the file at `path` (`given` in messages) to run `id` as artifact `name`.
  public func addArtifact(_ id: String, name: String?, file path: String, given: String, actor: Actor, now: Date) throws -> (StoredRun, Run.Artifact)
  {
    guard FileIO.exists(path), !FileIO.isDirectory(path) else { throw InputError(file: given, "no such file") }
    let size = try FileIO.size(path)
    guard size <= 1 << 30 else { throw InputError(file: given, "is \(size >> 20) MiB; files over 1 GiB are kept elsewhere: --uri U --sha256 H") }
    _ = try run(id)
    let chosen = name ?? String(given.split(separator: "/").last ?? "")
    _ = try Name(chosen, what: "artifact name (--name)")
    return try addArtifact(id, name: chosen, bytes: try FileIO.read(path), uri: nil, sha256: nil, actor: actor, now: now)
  }

  /// Adds an artifact to a run: the file's bytes stored once by hash, or a file kept elsewhere.
  public func addArtifact(_ id: String, name: String, bytes: [UInt8]?, uri: String?, sha256: String?, actor: Actor, now: Date) throws
    -> (StoredRun, Run.Artifact)
  {
    var current = try run(id)
    _ = try Name(name, what: "artifact name (--name)")
    if let uri {
      guard !uri.isEmpty, uri.utf8.count <= 2000, !uri.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) else {
        throw LifecycleError.invalidValue(what: "--uri", reason: "one line of at most 2,000 bytes")
      }
    }
    guard !current.run.artifacts.contains(where: { $0.name == name }) else {
      throw StoreError.alreadyExists(path: "artifact '\(name)' of run '\(id)' (give another --name)")
    }
    let artifact: Run.Artifact
    if let bytes {
      artifact = Run.Artifact(name: name, sha256: try content.put(bytes, extension: "bin"), bytes: bytes.count, uri: nil)
    } else {
      guard let uri, let sha256, ContentStore.isHash(sha256) else {
        throw LifecycleError.invalidValue(what: "--sha256", reason: "a file kept elsewhere needs --uri and --sha256 sha256:<64 hex digits>")
      }
      artifact = Run.Artifact(name: name, sha256: sha256, bytes: nil, uri: uri)
    }
    current.run.artifacts.append(artifact)
    let stored = try publish(
      Run.path(id), current.run, actor: actor, message: "run \(id): artifact \(name) \(artifact.sha256.prefix(19))", expecting: current.version,
      now: now)
    current.version = stored.envelope.version
    return (current, artifact)
  }
}
