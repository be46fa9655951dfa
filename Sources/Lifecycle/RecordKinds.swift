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
  ]

  /// Log kinds (the kind in a log's header line).
  public static let logs: [String: Int] = [JournalEntry.kind: JournalEntry.schemaVersion]

  /// The roles that may write `kind` (leads only for a kind this mlw does not know).
  public static func writers(of kind: String) -> [Role] { documents[kind]?.writers ?? [.lead] }

  /// Refuses a stored version of a known kind whose schema version is newer than this mlw's,
  /// so that a generic reader (show, diff, revert) does not pass off a shape it cannot read.
  public static func checkReadable(_ stored: StoredDocument) throws(StoreError) {
    guard let known = documents[stored.envelope.kind]?.schemaVersion, stored.envelope.schemaVersion > known else { return }
    throw .newerSchema(file: stored.file, kind: stored.envelope.kind, found: stored.envelope.schemaVersion, known: known)
  }
}
