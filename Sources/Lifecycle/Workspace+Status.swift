import Foundation
import VersionedStore

/// A publish as the journal records it: which record, which version, who, when, why.
public struct Change: Sendable, Encodable, Equatable {
  public var path: String
  public var version: Int
  public var kind: String
  public var author: String
  public var role: String
  public var time: Date
  public var message: String

  init(_ event: LogEvent) throws {
    let entry = try event.body.decode(as: JournalEntry.self)
    path = entry.path
    version = entry.version
    kind = entry.kind
    author = event.author
    role = event.role
    time = event.time
    message = entry.message
  }

  init(_ stored: StoredDocument) {
    path = stored.path.description
    version = stored.envelope.version
    kind = stored.envelope.kind
    author = stored.envelope.author
    role = stored.envelope.role
    time = stored.envelope.time
    message = stored.envelope.message
  }
}

extension Change {
  /// The same change with its message withheld, for a reader who may not read its kind.
  var withheld: Change {
    var copy = self
    copy.message = "(withheld: only \(RecordKinds.readers[kind]?.map(\.rawValue).joined(separator: ", ") ?? "some roles") read \(kind) records)"
    return copy
  }
}

extension Workspace {
  /// `changes` as `identity` may see them: messages of kinds they may not read are withheld
  /// (a gold record's message can name items and answers).
  func visible(_ changes: [Change], to identity: String?) throws -> [Change] {
    var mayRead: [String: Bool] = [:]
    return try changes.map { change in
      if mayRead[change.kind] == nil { mayRead[change.kind] = try RecordKinds.mayRead(kind: change.kind, identity: identity, in: self) }
      return mayRead[change.kind]! ? change : change.withheld
    }
  }
}

/// What each lifecycle stage of a workspace holds, who changed what last, and what is next.
public struct StatusReport: Sendable, Encodable {
  public struct Part: Sendable, Encodable {
    public var path: String
    public var shape: StagePart.Shape
    /// Records (or log folders) present: 0 or 1 for a single record.
    public var count: Int
  }

  public struct StageState: Sendable, Encodable {
    public var name: String
    public var parts: [Part]
    public var lastChange: Change?
  }

  public var workspace: String
  public var title: String
  /// Role → members holding it (every role is listed, empty when nobody holds it).
  public var roles: [String: [String]]
  public var stages: [StageState]
  /// The latest changes, newest first.
  public var recent: [Change]
  /// What to do next, most pressing first.
  public var next: [String]
  /// The open monitoring alerts by target (`line-3: drift@w3 (back to data)`), and versions
  /// serving whose sign-off does not hold.
  public var alerts: [String] = []
}

extension Workspace {
  /// The status of this workspace. Costs one directory listing per stage part and a read of the
  /// journal's tail, not a read of every record, so it stays fast on large workspaces.
  public func status(recent recentCount: Int = 5, for identity: String? = nil) throws -> StatusReport {
    let record = try record().0
    var roles: [String: [String]] = [:]
    for role in Role.allCases { roles[role.rawValue] = record.holders(of: role) }

    var stages: [StatusReport.StageState] = []
    for stage in Stage.all {
      var parts: [StatusReport.Part] = []
      for part in stage.parts {
        let path = RecordPath(trusted: [part.path])
        let count: Int
        switch part.shape {
        case .record: count = try documents.latestVersion(of: path) > 0 ? 1 : 0
        case .collection, .logs: count = try documents.childCount(of: path)
        }
        parts.append(.init(path: part.path, shape: part.shape, count: count))
      }
      stages.append(.init(name: stage.name, parts: parts, lastChange: nil))
    }

    let stageOf: [String: Int] = Dictionary(
      uniqueKeysWithValues: Stage.all.enumerated().flatMap { index, stage in stage.parts.map { ($0.path, index) } })
    func lastChanges(_ events: [LogEvent]) throws -> [Int: Change] {
      var found: [Int: Change] = [:]
      for event in events.reversed() {
        guard let path = event.body["path"]?.stringValue, let first = path.split(separator: "/").first,
          let index = stageOf[String(first)], found[index] == nil
        else { continue }
        found[index] = try Change(event)
      }
      return found
    }
    // Read the journal from its end in growing windows until every stage that holds records has
    // its last change (usually the first small window does).
    var window = 16 * 1024
    var events: [LogEvent]
    while true {
      let (tail, complete) = try journal.readTail(maxBytes: window)
      events = tail
      let found = try lastChanges(tail)
      let unresolved = stages.indices.contains { found[$0] == nil && stages[$0].parts.contains { $0.count > 0 } }
      if !unresolved || complete {
        for (index, change) in found { stages[index].lastChange = try visible([change], to: identity).first }
        break
      }
      window *= 8
    }
    let recent = try visible(events.suffix(recentCount).reversed().map(Change.init), to: identity)

    var next: [String] = []
    for role in Role.allCases where roles[role.rawValue]!.isEmpty {
      next.append("nobody holds the \(role) role yet: a lead adds one (mlw lead member add NAME --role \(role))")
    }
    for (stage, state) in zip(Stage.all, stages) {
      if let missing = zip(stage.parts, state.parts).first(where: { $0.1.count == 0 }) {
        next.append("\(stage.name): \(missing.0.nextStep)")
        break
      }
    }
    var alerts: [String] = []
    for target in try deploymentTargets() {
      let d = try deployment(target).deployment
      for share in [d.primary, d.canary].compactMap({ $0 }) {
        let approval = try self.approval(share.reference)
        if !approval.holds { alerts.append("\(target): \(share.reference) serves, but its sign-off does not hold: \(approval.summary)") }
      }
      for alert in try monitorState(target).openAlerts {
        alerts.append("\(target): \(alert.id) (back to \(alert.loop.rawValue)): \(alert.detail)")
      }
    }
    return StatusReport(
      workspace: name, title: record.title, roles: roles, stages: stages, recent: recent, next: next, alerts: alerts)
  }

  /// The changes in this workspace, newest first (at most `limit`), read from the journal's end.
  public func changes(limit: Int, for identity: String? = nil) throws -> [Change] {
    // A journal line is about 200 bytes; read growing windows from the end until enough.
    let limit = min(max(limit, 1), 1 << 20)
    var window = max(4096, limit * 400)
    while true {
      let (events, complete) = try journal.readTail(maxBytes: window)
      if events.count >= limit || complete { return try visible(events.suffix(limit).reversed().map(Change.init), to: identity) }
      window = window > Int.max / 8 ? Int.max / 2 : window * 4
    }
  }

  /// Every version of one record, newest first; refused to `identity` if its kind is not
  /// theirs to read (see `RecordKinds.readers`).
  public func history(_ path: RecordPath, for identity: String? = nil) throws -> [Change] {
    let changes = try documents.history(path).reversed().map(Change.init)
    if let kind = changes.first?.kind, let allowed = RecordKinds.readers[kind], let identity,
      try !RecordKinds.mayRead(kind: kind, identity: identity, in: self)
    {
      throw LifecycleError.lacksRole(name: identity, workspace: name, needs: allowed, has: try record().0.roles(of: identity))
    }
    return changes
  }
}
