import VersionedStore

/// Every kind of stored file this mlw writes, with its newest schema version and who writes it.
/// A kind added here needs `schemas/kinds/<kind>.schema.json`; a test enforces it.
public enum RecordKinds {
  public struct Info: Sendable {
    public let schemaVersion: Int
    /// The roles that may publish (and so revert) a record of this kind.
    public let writers: [Role]
  }

  /// Versioned record kinds.
  public static let documents: [String: Info] = [
    WorkspaceRecord.kind: Info(schemaVersion: WorkspaceRecord.schemaVersion, writers: [.lead]),
    Roster.kind: Info(schemaVersion: Roster.schemaVersion, writers: [.lead]),
    Baseline.kind: Info(schemaVersion: Baseline.schemaVersion, writers: [.sme, .engineer]),
    Scope.kind: Info(schemaVersion: Scope.schemaVersion, writers: [.lead, .sme]),
    Feasibility.kind: Info(schemaVersion: Feasibility.schemaVersion, writers: [.lead, .sme]),
    Readiness.kind: Info(schemaVersion: Readiness.schemaVersion, writers: [.lead]),
    MetricPolicyRecord.kind: Info(schemaVersion: MetricPolicyRecord.schemaVersion, writers: [.lead, .sme]),
    LabelSchema.kind: Info(schemaVersion: LabelSchema.schemaVersion, writers: [.manager]),
    Guidelines.kind: Info(schemaVersion: Guidelines.schemaVersion, writers: [.manager]),
    Dataset.kind: Info(schemaVersion: Dataset.schemaVersion, writers: [.manager, .engineer]),
    Assignment.kind: Info(schemaVersion: Assignment.schemaVersion, writers: [.manager]),
    GoldSet.kind: Info(schemaVersion: GoldSet.schemaVersion, writers: [.manager]),
    LabelImportRecord.kind: Info(schemaVersion: LabelImportRecord.schemaVersion, writers: [.manager]),
    Run.kind: Info(schemaVersion: Run.schemaVersion, writers: [.engineer]),
    Evaluation.kind: Info(schemaVersion: Evaluation.schemaVersion, writers: [.engineer]),
    ErrorTags.kind: Info(schemaVersion: ErrorTags.schemaVersion, writers: [.engineer]),
    ModelVersion.kind: Info(schemaVersion: ModelVersion.schemaVersion, writers: [.engineer]),
    ModelAliases.kind: Info(schemaVersion: ModelAliases.schemaVersion, writers: [.engineer]),
    Gate.kind: Info(schemaVersion: Gate.schemaVersion, writers: [.lead]),
    Signoff.kind: Info(schemaVersion: Signoff.schemaVersion, writers: [.sme, .lead]),
    Deployment.kind: Info(schemaVersion: Deployment.schemaVersion, writers: [.engineer, .sme]),
    MonitorReference.kind: Info(schemaVersion: MonitorReference.schemaVersion, writers: [.engineer]),
    MonitorWindow.kind: Info(schemaVersion: MonitorWindow.schemaVersion, writers: [.engineer]),
    MonitorAcks.kind: Info(schemaVersion: MonitorAcks.schemaVersion, writers: [.engineer, .sme]),
  ]

  /// Log kinds (the kind in a log's header line).
  public static let logs: [String: Int] = [
    JournalEntry.kind: JournalEntry.schemaVersion,
    LabelBody.kind: LabelBody.schemaVersion,
    GuidelineAck.kind: GuidelineAck.schemaVersion,
    AdjudicationBody.kind: AdjudicationBody.schemaVersion,
    MetricPoint.kind: MetricPoint.schemaVersion,
    ReviewFlag.kind: ReviewFlag.schemaVersion,
    KPIPoint.kind: KPIPoint.schemaVersion,
  ]

  /// Kinds that not every member may read: gold answers are hidden from annotators, or the
  /// checks they make would be worthless, and so are assignments (how many gold items each queue
  /// holds, and the key that places them).
  public static let readers: [String: [Role]] = [
    GoldSet.kind: [.lead, .sme, .manager, .engineer], Assignment.kind: [.lead, .sme, .manager, .engineer],
  ]

  /// Kinds a generic `revert` may not restore, with what to do instead: a sign-off is a decision
  /// on the evidence of its time, and what serves a target changes only through the commands
  /// that check the sign-off (a revert would put a rejected version back in service).
  public static let notRevertible: [String: String] = [
    Signoff.kind:
      "a sign-off is a decision on the evidence of its time; record a new one (mlw sme signoff approve|reject, mlw lead signoff override)",
    Deployment.kind:
      "what serves a target changes through the deployment commands, which check the sign-off (mlw engineer deployment rollback T [--to NAME@V])",
    ModelVersion.kind: "a model version is what was registered; register a new one (mlw engineer model register NAME --run RUN)",
  ]

  /// Refuses to revert a record of a kind in `notRevertible`.
  public static func checkRevertible(_ stored: StoredDocument) throws {
    guard let instead = notRevertible[stored.envelope.kind] else { return }
    throw LifecycleError.refused("\(stored.path) cannot be reverted: \(instead)")
  }

  /// The roles that may write `kind` (leads only for a kind this mlw does not know).
  public static func writers(of kind: String) -> [Role] { documents[kind]?.writers ?? [.lead] }

  /// Refuses `identity` a record of a kind their roles may not read (see `readers`). A local
  /// reader who named nobody is let through, as the command line trusts the file system.
  public static func checkMayRead(_ stored: StoredDocument, identity: String?, in workspace: Workspace) throws {
    guard let allowed = readers[stored.envelope.kind], let identity else { return }
    let held = try workspace.record().0.roles(of: identity)
    guard held.contains(where: allowed.contains) else {
      throw LifecycleError.lacksRole(name: identity, workspace: workspace.name, needs: allowed, has: held)
    }
  }

  /// Whether `identity` may read records of `kind` in `workspace` (a local reader who named
  /// nobody may).
  public static func mayRead(kind: String, identity: String?, in workspace: Workspace) throws -> Bool {
    guard let allowed = readers[kind], let identity else { return true }
    return try workspace.record().0.roles(of: identity).contains(where: allowed.contains)
  }

  /// Refuses a stored version of a known kind whose schema version is newer than this mlw's,
  /// so that a generic reader (show, diff, revert) does not pass off a shape it cannot read.
  public static func checkReadable(_ stored: StoredDocument) throws(StoreError) {
    guard let known = documents[stored.envelope.kind]?.schemaVersion, stored.envelope.schemaVersion > known else { return }
    throw .newerSchema(file: stored.file, kind: stored.envelope.kind, found: stored.envelope.schemaVersion, known: known)
  }
}
