import Foundation
import VersionedStore

/// One workspace: a folder of versioned records and logs for one ML project.
public struct Workspace: Sendable {
  public let root: Root
  public let name: String

  init(root: Root, name: String) {
    self.root = root
    self.name = name
  }

  public var folder: String { root.path + "/" + name }
  /// The versioned records of this workspace; record paths are relative to its folder.
  public var documents: DocumentStore { DocumentStore(root: folder) }
  /// The index of every publish in this workspace (see `JournalEntry`).
  public var journal: EventLog {
    EventLog(path: folder + "/journal.jsonl", kind: JournalEntry.kind, schemaVersion: JournalEntry.schemaVersion)
  }

  /// The workspace record (title and members) with its stored version.
  public func record() throws -> (WorkspaceRecord, StoredDocument) {
    let document = try documents.read(WorkspaceRecord.path)
    return (try document.body(as: WorkspaceRecord.self), document)
  }

  /// Publishes a typed record on top of version `expected` and adds it to the journal.
  @discardableResult
  public func publish<T: DocumentBody>(
    _ path: RecordPath, _ body: T, actor: Actor, message: String, expecting expected: Int, now: Date
  ) throws -> StoredDocument {
    try PlainText.check(message, what: "--message")
    let draft = try DocumentDraft(body, author: actor.name, role: actor.role.rawValue, time: now, message: message)
    return try publish(path, draft, expecting: expected)
  }

  /// Publishes a draft on top of version `expected` and adds it to the journal.
  ///
  /// The version file is the truth and is durable when the store returns. The journal line
  /// follows; if a crash or a full disk keeps it from being written, the publish still stands,
  /// and `mlw fsck` reports the missing line and `--repair` adds it.
  @discardableResult
  public func publish(_ path: RecordPath, _ draft: DocumentDraft, expecting expected: Int) throws -> StoredDocument {
    let stored = try documents.publish(path, draft, expecting: expected)
    _ = try? journal.append(Workspace.journalDraft(for: stored))
    return stored
  }

  static func journalDraft(for stored: StoredDocument) throws -> EventDraft {
    let entry = JournalEntry(
      path: stored.path.description, version: stored.envelope.version, kind: stored.envelope.kind,
      message: stored.envelope.message)
    return EventDraft(
      author: stored.envelope.author, role: stored.envelope.role, time: stored.envelope.time,
      body: try JSONValue(encoding: entry))
  }

  /// Checks that `identity` may run a command of `access` here, and returns the actor.
  ///
  /// `identity` nil means a local reader who named nobody: the CLI trusts the file system
  /// (whoever can read the folder can read the files), so read commands are let through without
  /// an actor. Anything that writes needs a named member holding the role.
  /// `known` is this workspace's record when the caller has just read it.
  public func authorize(_ access: Access, identity: String?, reading: Bool = false, record known: WorkspaceRecord? = nil) throws -> Actor? {
    switch access {
    case .open, .admin, .anyWorkspaceWith:
      return nil
    case .member:
      guard let identity else { return nil }
      let roles = try (known ?? record().0).roles(of: identity)
      guard let first = roles.first else { throw LifecycleError.notMember(name: identity, workspace: name) }
      return Actor(name: identity, role: first)
    case .roles(let allowed):
      if identity == nil, reading { return nil }
      guard let identity else { throw LifecycleError.noIdentity }
      let held = try (known ?? record().0).roles(of: identity)
      guard !held.isEmpty else { throw LifecycleError.notMember(name: identity, workspace: name) }
      guard let role = allowed.first(where: held.contains) else {
        throw LifecycleError.lacksRole(name: identity, workspace: name, needs: allowed, has: held)
      }
      return Actor(name: identity, role: role)
    }
  }
}
