import Foundation
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// Reads MLflow's plain-file tracking store (an `mlruns/` folder: `<experiment>/meta.yaml`,
/// `<experiment>/<run>/meta.yaml`, `params/<key>`, `tags/<key>`, `metrics/<key>` with lines
/// `timestamp value step`) into mlw runs marked as imported from MLflow. A run is pinned to a
/// dataset version only when it logged an input whose digest is a prefix of that version's
/// SHA-256. Importing the same folder again adds nothing twice: a run already imported (by its
/// MLflow id) is skipped.
public enum MLflowStore {
  public struct ImportedRun: Sendable, Encodable {
    public var id: String
    public var mlflowID: String
    public var experiment: String?
    public var points: Int
    /// `skipped` when it was imported before.
    public var outcome: String
    /// What was not imported as it was: keys renamed onto one another (their values merged or
    /// the last kept), keys left out, metric lines that could not be read.
    public var notes: [String] = []
  }

  /// The `key: value` lines of an MLflow `meta.yaml` (flat; quotes removed).
  static func meta(_ path: String) throws -> [String: String] {
    var result: [String: String] = [:]
    let text = String(decoding: try read(path), as: UTF8.self)
    for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix(" ") && !line.hasPrefix("#") {
      guard let colon = line.firstIndex(of: ":") else { continue }
      var value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      if value.count >= 2, let first = value.first, first == "'" || first == "\"", value.last == first {
        value = String(value.dropFirst().dropLast())
      }
      result[String(line[..<colon]).trimmingCharacters(in: .whitespaces)] = value
    }
    return result
  }

  /// The bytes of a file of the store: a regular file with no other hard link (a store from
  /// elsewhere, or one in a files area on the server, could otherwise hold a name for any file of
  /// this machine).
  static func read(_ path: String) throws -> [UInt8] {
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
      throw InputError(file: path, "is not a regular file of the MLflow store")
    }
    guard info.st_nlink == 1 else { throw InputError(file: path, "has another hard link (it may be a file elsewhere); copy the store") }
    return try FileIO.read(path)
  }

  /// Whether `path` is a symbolic link: a store from elsewhere could point one at any file of
  /// this machine, so links are never followed.
  static func isLink(_ path: String) -> Bool {
    (try? FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType) == .typeSymbolicLink
  }

  /// Every regular file under `folder`, as paths relative to it (MLflow nests keys with `/`);
  /// links are left out.
  static func files(under folder: String) -> [String] {
    var links: [String] = []
    return files(under: folder, links: &links)
  }

  /// The files under `folder`, links left out and named in `links`.
  static func files(under folder: String, links: inout [String]) -> [String] {
    guard FileIO.isDirectory(folder), !isLink(folder), let enumerator = FileManager.default.enumerator(atPath: folder) else { return [] }
    var result: [String] = []
    while let next = enumerator.nextObject() as? String {
      let path = folder + "/" + next
      if isLink(path) {
        links.append(next)
        enumerator.skipDescendants()
        continue
      }
      if !FileIO.isDirectory(path) { result.append(next) }
    }
    return result.sorted()
  }

  /// A time in milliseconds since 1970 as MLflow writes it; nil when absent, an error when it is
  /// not one (before 1970 or after the year 3000).
  static func time(_ text: String?, key: String, file: String) throws -> Date? {
    guard let text, !text.isEmpty, text != "null" else { return nil }
    // Digits only, as MLflow writes them (Double would also read 0x10, 1e3 and inf).
    guard text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), text.utf8.count <= 15, let ms = Double(text), ms < 32_503_680_000_000 else {
      throw InputError(file: file, "\(key) '\(text.prefix(40))' is not a time in milliseconds since 1970")
    }
    return Date(timeIntervalSince1970: ms / 1000)
  }

  /// An MLflow key as an mlw name: lowercase, `/` as `.`, anything else outside
  /// `[a-z0-9._-]` as `_`.
  static func name(_ key: String) -> String {
    var text = String(
      key.lowercased().map { c -> Character in
        if c == "/" { return "." }
        return c.isASCII && (c.isLetter || c.isNumber || c == "." || c == "_" || c == "-") ? c : "_"
      })
    while let first = text.first, !(first.isLetter || first.isNumber) { text.removeFirst() }
    return String(text.prefix(64))
  }

  static func status(_ text: String?) -> Run.Status {
    switch text?.uppercased() {
    case "3", "FINISHED": .finished
    case "4", "FAILED": .failed
    case "5", "KILLED": .killed
    default: .running
    }
  }
}

extension Workspace {
  /// Imports the runs of the MLflow store at `folder`.
  public func importMLflow(folder: String, actor: Actor, now: Date) throws -> [MLflowStore.ImportedRun] {
    guard FileIO.isDirectory(folder) else {
      throw LifecycleError.invalidValue(what: "import-mlflow", reason: "'\(folder)' is not a folder; give the mlruns/ folder of an MLflow file store")
    }
    let existing = try runs()
    var byMLflowID = Dictionary(existing.compactMap { run in run.run.imported.map { ($0.id, run.id) } }, uniquingKeysWith: { a, _ in a })
    var taken = Set(existing.map(\.id))
    var datasets: [(String, StoredDataset)] = []
    for id in try datasetIDs() { for version in try datasetVersions(id) { datasets.append((String(version.dataset.items.dropFirst(7)), version)) } }
    // Experiments are the numbered folders with a meta.yaml; runs the folders inside with one.
    var found: [(experiment: String?, folder: String, meta: [String: String])] = []
    for experiment in try FileIO.list(folder).sorted() where !experiment.hasPrefix(".") && experiment != "models" {
      let experimentFolder = folder + "/" + experiment
      guard !MLflowStore.isLink(experimentFolder), FileIO.exists(experimentFolder + "/meta.yaml"),
        !MLflowStore.isLink(experimentFolder + "/meta.yaml")
      else { continue }
      let name = try MLflowStore.meta(experimentFolder + "/meta.yaml")["name"]
      for run in try FileIO.list(experimentFolder).sorted()
      where FileIO.exists(experimentFolder + "/" + run + "/meta.yaml") && !MLflowStore.isLink(experimentFolder + "/" + run)
        && !MLflowStore.isLink(experimentFolder + "/" + run + "/meta.yaml")
      {
        let meta = try MLflowStore.meta(experimentFolder + "/" + run + "/meta.yaml")
        guard meta["run_id"] != nil || meta["run_uuid"] != nil, meta["lifecycle_stage"] != "deleted" else { continue }
        found.append((name, experimentFolder + "/" + run, meta))
      }
    }
    guard !found.isEmpty else {
      throw LifecycleError.invalidValue(what: "import-mlflow", reason: "'\(folder)' holds no MLflow runs (<experiment>/<run>/meta.yaml)")
    }
    // Ids first, so that a parent can be named by its mlw id whatever the order.
    var plan: [(id: String, mlflowID: String, experiment: String?, folder: String, meta: [String: String])] = []
    for (experiment, runFolder, meta) in found {
      let mlflowID = meta["run_id"] ?? meta["run_uuid"]!
      if let id = byMLflowID[mlflowID] {
        plan.append((id, mlflowID, experiment, "", meta))  // imported before
        continue
      }
      // The run name when it is an mlw id as written; else one made from the MLflow id.
      var id = meta["run_name"] ?? ""
      if Name.problem(with: id) != nil || taken.contains(id) { id = "mlflow-" + MLflowStore.name(String(mlflowID.prefix(12))) }
      if taken.contains(id) { id += "-" + String(mlflowID.suffix(6)) }
      taken.insert(id)
      byMLflowID[mlflowID] = id
      plan.append((id, mlflowID, experiment, runFolder, meta))
    }
    // Read and check every run before anything is written: a store that cannot be read whole
    // imports nothing.
    var result: [MLflowStore.ImportedRun] = []
    var ready: [(id: String, run: Run, points: [EventDraft], mlflowID: String, experiment: String?, notes: [String])] = []
    for (id, mlflowID, experiment, runFolder, meta) in plan {
      guard !runFolder.isEmpty else {
        result.append(.init(id: id, mlflowID: mlflowID, experiment: experiment, points: 0, outcome: "skipped (imported before)"))
        continue
      }
      var notes: [String] = []
      // Each mlw name and the MLflow keys read as it, to say which ones met.
      func named(_ keys: [String], _ what: String) -> [(key: String, name: String)] {
        var byName: [String: [String]] = [:]
        var result: [(key: String, name: String)] = []
        for key in keys {
          let name = MLflowStore.name(key)
          guard !name.isEmpty else {
            notes.append("\(what) '\(key)' left out: no letter or digit to name it by")
            continue
          }
          // Lowercase and / as . are the rule; any other change is said.
          if name != key.lowercased().replacingOccurrences(of: "/", with: ".") {
            notes.append("\(what) '\(key)' read as '\(name)' (mlw names are [a-z0-9._-], at most 64)")
          }
          byName[name, default: []].append(key)
          result.append((key, name))
        }
        for (name, keys) in byName.sorted(by: { $0.key < $1.key }) where keys.count > 1 {
          let quoted = keys.map { "'\($0)'" }.joined(separator: " and ")
          notes.append(
            what == "metric"
              ? "metrics \(quoted) both read as '\(name)': their points are in one history"
              : "\(what)s \(quoted) both read as '\(name)': the value of '\(keys.last!)' is kept")
        }
        return result
      }
      func files(_ part: String) -> [String] {
        var found: [String] = []
        defer { for link in found { notes.append("\(part.dropLast()) '\(link)' left out: a link (links in a store are never followed)") } }
        return MLflowStore.files(under: runFolder + "/" + part, links: &found)
      }
      var params: [String: JSONValue] = [:]
      for (key, name) in named(files("params"), "param") {
        params[name] = Run.typedValue(String(decoding: try MLflowStore.read(runFolder + "/params/" + key), as: UTF8.self))
      }
      var tags: [String: String] = [:]
      var code: Run.Code?
      var parent: String?
      let tagKeys = files("tags")
      let tagNames = Dictionary(
        named(tagKeys.filter { !$0.hasPrefix("mlflow.") || $0 == "mlflow.user" || $0 == "mlflow.source.name" }, "tag").map { ($0.key, $0.name) },
        uniquingKeysWith: { a, _ in a })
      for key in tagKeys {
        let value = String(decoding: try MLflowStore.read(runFolder + "/tags/" + key), as: UTF8.self)
        switch key {
        case "mlflow.source.git.commit":
          if (try? Run.checkCommit(value)) != nil {
            code = Run.Code(commit: value, dirty: nil, diff: nil)
          } else {
            notes.append("mlflow.source.git.commit '\(value.prefix(80))' left out: not a git commit hash")
          }
        case "mlflow.parentRunId": parent = byMLflowID[value]
        case "mlflow.runName", "mlflow.log-model.history": break
        default:
          if let name = tagNames[key] { tags[name] = String(value.prefix(1000)) }
        }
      }
      // A logged input whose digest starts the SHA-256 of a dataset version of this workspace.
      var pin: Run.DatasetPin?
      for file in MLflowStore.files(under: runFolder + "/inputs") where file.hasSuffix("meta.yaml") {
        let input = try MLflowStore.meta(runFolder + "/inputs/" + file)
        let digests = [input["digest"], input["source_id"]].compactMap { $0?.lowercased() }
        for digest in digests where digest.count >= 8 {
          if let (_, version) = datasets.first(where: { $0.0.hasPrefix(digest) }) {
            pin = Run.DatasetPin(name: version.id, version: version.version, sha256: version.dataset.items)
          }
        }
      }
      let metaFile = runFolder + "/meta.yaml"
      var points: [EventDraft] = []
      for (key, full) in named(files("metrics"), "metric") {
        let parts = full.split(separator: ".", maxSplits: 1).map(String.init)
        let (split, metric) = parts.count == 2 ? (parts[0], parts[1]) : (nil, full)
        if let problem = MetricPoint.problem(with: metric) {
          notes.append("metric '\(key)' left out: '\(full)' is no metric name (\(problem))")
          continue
        }
        var unread = 0
        defer {
          if unread > 0 {
            notes.append(
              "\(unread) line\(unread == 1 ? "" : "s") of metric '\(key)' left out: not 'timestamp value [step]' (milliseconds, a number, a step from 0)"
            )
          }
        }
        for line in String(decoding: try MLflowStore.read(runFolder + "/metrics/" + key), as: UTF8.self).split(whereSeparator: \.isNewline) {
          let fields = line.split(separator: " ").map(String.init)
          // `timestamp value [step]` as MLflow writes them: digits, a decimal or nan/inf, a whole
          // step from 0 (mlw has no negative steps).
          let number = fields.count > 1 ? (Figure.isDecimal(fields[1]) ? Double(fields[1]).flatMap { $0.isFinite ? $0 : nil } : nil) : nil
          let step = fields.count == 3 ? Int(fields[2]).flatMap { $0 >= 0 ? $0 : nil } : nil
          guard fields.count == 2 || (fields.count == 3 && step != nil), let time = try? MLflowStore.time(fields[0], key: "timestamp", file: key),
            let value = number ?? MetricValue.nonFinite(fields[1])
          else {
            unread += 1  // a torn line, or one written by hand
            continue
          }
          let point = MetricPoint(metric: metric, value: MetricValue(value), step: step, split: split)
          points.append(EventDraft(author: actor.name, role: actor.role.rawValue, time: time, body: try JSONValue(encoding: point)))
        }
      }
      let started = try MLflowStore.time(meta["start_time"], key: "start_time", file: metaFile) ?? now
      var ended = try MLflowStore.time(meta["end_time"], key: "end_time", file: metaFile)
      if let end = ended, end < started {
        notes.append("end_time \(Timestamp.format(end)) is before start_time \(Timestamp.format(started)): left out")
        ended = nil
      }
      let run = Run(
        status: MLflowStore.status(meta["status"]), started: started,
        ended: ended, dataset: pin, labels: nil,
        splits: nil, code: code, params: params, tags: tags, parent: parent,
        imported: Run.Imported(from: "mlflow", id: mlflowID, experiment: experiment))
      ready.append((id, run, points, mlflowID, experiment, notes))
    }
    for (id, run, points, mlflowID, experiment, notes) in ready {
      // The points first, then the record: a crash between leaves a log no record names, which
      // the next import (or a run started with this id) replaces.
      let log = metricLog(id)
      if FileIO.exists(log.path) { try FileManager.default.removeItem(atPath: log.path) }
      try FileIO.makeDirectories(documents.folder(Run.path(id)))
      if !points.isEmpty { _ = try log.append(batch: points) }
      try publish(
        Run.path(id), run, actor: actor, message: "import MLflow run \(mlflowID) (\(experiment ?? "no experiment"))", expecting: 0, now: now)
      result.append(.init(id: id, mlflowID: mlflowID, experiment: experiment, points: points.count, outcome: "imported", notes: notes))
    }
    return result
  }
}
