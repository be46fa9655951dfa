import Foundation
import VersionedStore

/// The folder that holds the workspaces (`./Workspaces` by default) and the team roster.
public struct Root: Sendable {
  public let path: String

  /// `path` with a leading `./` and trailing slashes removed, so messages name files plainly.
  public init(path: String) {
    var clean = path
    while clean.hasPrefix("./") && clean.count > 2 { clean.removeFirst(2) }
    while clean.hasSuffix("/") && clean.count > 1 { clean.removeLast() }
    self.path = clean.isEmpty ? "." : clean
  }

  var store: DocumentStore { DocumentStore(root: path) }

  /// The names of the workspaces under this root, sorted.
  public func workspaceNames() throws(StoreError) -> [String] {
    try FileIO.list(path).filter { name in
      Name.problem(with: name) == nil && FileIO.isDirectory(path + "/" + name + "/workspace")
    }.sorted()
  }

  /// An existing workspace.
  public func workspace(_ text: String) throws -> Workspace {
    let name = try Name(text, what: "workspace name")
    let workspace = Workspace(root: self, name: name.value)
    guard FileIO.isDirectory(workspace.documents.folder(WorkspaceRecord.path)) else {
      throw LifecycleError.unknownWorkspace(name: name.value, available: try workspaceNames())
    }
    return workspace
  }

  /// Creates a workspace with `lead` as its first member, adding `lead` to the roster if new.
  /// Returns the workspace and the lead's token when one was issued now.
  public func createWorkspace(name text: String, title: String, lead leadText: String, now: Date) throws
    -> (Workspace, token: String?)
  {
    let name = try Name(text, what: "workspace name")
    let lead = try Name(leadText, what: "member name")
    let workspace = Workspace(root: self, name: name.value)
    if FileIO.exists(workspace.folder) { throw LifecycleError.workspaceExists(name.value) }
    let actor = Actor(name: lead.value, role: .lead)
    let token = try ensurePerson(lead.value, actor: actor, now: now)
    let record = WorkspaceRecord(
      name: name.value, title: title, members: [lead.value: .init(roles: [.lead])])
    do {
      try workspace.publish(WorkspaceRecord.path, record, actor: actor, message: "create workspace", expecting: 0, now: now)
    } catch StoreError.conflict {
      throw LifecycleError.workspaceExists(name.value)
    }
    return (workspace, token)
  }

  /// The roster and its version (an empty roster at version 0 before anyone was added).
  public func roster() throws -> (Roster, version: Int) {
    let latest = try store.latestVersion(of: Roster.path)
    guard latest > 0 else { return (Roster(people: [:]), 0) }
    let document = try store.read(Roster.path, version: latest)
    return (try document.body(as: Roster.self), latest)
  }

  /// Adds `person` to the roster if absent; returns their new token, or nil when they had one.
  ///
  /// The roster is shared by every workspace, so two leads may add people at once: a lost race
  /// re-reads and re-applies (adding a person is idempotent), up to a few times.
  public func ensurePerson(_ person: String, actor: Actor, now: Date) throws -> String? {
    try updateRoster(actor: actor, now: now, message: "add \(person)") { roster in
      if roster.people[person] != nil { return nil }
      let token = Token.generate()
      roster.people[person] = .init(tokenHash: Token.hash(token), tokenIssued: now)
      return token
    }
  }

  /// Issues a new token for `person`, invalidating the old one; returns the new token.
  public func rotateToken(_ person: String, actor: Actor, now: Date) throws -> String {
    let token = try updateRoster(actor: actor, now: now, message: "rotate the token of \(person)") { roster in
      let token = Token.generate()
      roster.people[person] = .init(tokenHash: Token.hash(token), tokenIssued: now)
      return token
    }
    return token!
  }

  private func updateRoster(
    actor: Actor, now: Date, message: String, _ change: (inout Roster) -> String?
  ) throws -> String? {
    var attempts = 0
    while true {
      var (roster, version) = try roster()
      guard let token = change(&roster) else { return nil }
      do {
        let draft = try DocumentDraft(roster, author: actor.name, role: actor.role.rawValue, time: now, message: message)
        try store.publish(Roster.path, draft, expecting: version)
        return token
      } catch StoreError.conflict where attempts < 8 {
        attempts += 1
      }
    }
  }

  /// The person a token belongs to, or nil. Compares hashes in constant time.
  public func person(forToken token: String) throws -> String? {
    let hash = Token.hash(token)
    var found: String?
    for (name, person) in try roster().0.people where Token.constantTimeEqual(person.tokenHash, hash) {
      found = name
    }
    return found
  }
}
