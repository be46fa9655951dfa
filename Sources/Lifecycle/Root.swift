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

  /// The workspace `text` names as `identity` may see it: a workspace that does not exist and
  /// one that `identity` is not a member of give the same "not found", which lists only the
  /// workspaces `identity` belongs to (all of them for a local reader who named nobody).
  public func workspace(_ text: String, visibleTo identity: String?) throws -> Workspace {
    try visibleWorkspace(text, to: identity).workspace
  }

  /// `workspace(_:visibleTo:)`, with the workspace record it read to tell (nil for a local
  /// reader who named nobody), so that an authorization after it need not read it again.
  public func visibleWorkspace(_ text: String, to identity: String?) throws -> (workspace: Workspace, record: WorkspaceRecord?) {
    let name = try Name(text, what: "workspace name")
    let workspace = Workspace(root: self, name: name.value)
    let exists = FileIO.isDirectory(workspace.documents.folder(WorkspaceRecord.path))
    if exists, identity == nil { return (workspace, nil) }
    if exists, let identity {
      let record = try workspace.record().0
      if record.members[identity] != nil { return (workspace, record) }
    }
    throw LifecycleError.unknownWorkspace(name: name.value, available: try workspaceNames(visibleTo: identity), visibleTo: identity)
  }

  /// The workspaces `identity` belongs to (every one for nil), sorted.
  public func workspaceNames(visibleTo identity: String?) throws -> [String] {
    guard let identity else { return try workspaceNames() }
    return try workspaceNames().filter { name in
      (try? Workspace(root: self, name: name).record().0.members[identity]) != nil
    }
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
    let token = try ensurePersonWithToken(lead.value, actor: actor, now: now)
    let record = WorkspaceRecord(
      name: name.value, title: title, members: [lead.value: .init(roles: [.lead])])
    do {
      try workspace.publish(WorkspaceRecord.path, record, actor: actor, message: "create workspace", expecting: 0, now: now)
    } catch StoreError.conflict {
      throw LifecycleError.workspaceExists(name.value)
    }
    return (workspace, token)
  }

  /// The roster's latest version (0 before anyone was added): a few `stat` calls.
  public func rosterVersion() throws -> Int { try store.latestVersion(of: Roster.path) }

  /// The roster's folder, whose modification time moves with every new version.
  public var rosterFolder: String { store.folder(Roster.path) }

  /// The roster and its version (an empty roster at version 0 before anyone was added).
  public func roster() throws -> (Roster, version: Int) {
    let latest = try store.latestVersion(of: Roster.path)
    guard latest > 0 else { return (Roster(people: [:]), 0) }
    let document = try store.read(Roster.path, version: latest)
    return (try document.body(as: Roster.self), latest)
  }

  /// Adds `person` to the roster if absent, with an invitation (good for `invitationDays`, only
  /// to exchange for a token of their own); returns it, or nil when the person was on the roster.
  /// Whoever adds someone never holds a usable token of theirs.
  public func ensurePerson(_ person: String, actor: Actor, now: Date) throws -> String? {
    try updateRoster(by: .actor(actor), now: now, message: "add \(person)") { roster in
      if roster.people[person] != nil { return nil }
      let invitation = Token.generate()
      roster.people[person] = .init(
        invitationHash: Token.hash(invitation), invitationExpires: now.addingTimeInterval(Double(Self.invitationDays) * 86_400))
      return invitation
    }
  }

  /// Days an invitation stays good.
  public static let invitationDays = 7

  /// Adds `person` with a token of their own, for the local administrator creating a workspace
  /// (who owns the files, and so gains nothing by holding it); nil when they had one.
  public func ensurePersonWithToken(_ person: String, actor: Actor, now: Date) throws -> String? {
    try updateRoster(by: .actor(actor), now: now, message: "add \(person)") { roster in
      if roster.people[person] != nil { return nil }
      let token = Token.generate()
      roster.people[person] = .init(tokenHash: Token.hash(token), tokenIssued: now)
      return token
    }
  }

  /// A fresh invitation for someone on the roster (who lost their token), from the local
  /// administrator; their current token keeps working until they exchange the invitation.
  public func invite(_ text: String, days: Int, now: Date) throws -> String {
    let person = try Name(text, what: "person").value
    guard (1...365).contains(days) else { throw LifecycleError.invalidValue(what: "--days", reason: "\(days) is not from 1 to 365") }
    let invitation = try updateRoster(by: .administrator, now: now, message: "invite \(person)") { roster in
      guard roster.people[person] != nil else { return nil }
      let invitation = Token.generate()
      roster.people[person]!.invitationHash = Token.hash(invitation)
      roster.people[person]!.invitationExpires = now.addingTimeInterval(Double(days) * 86_400)
      return invitation
    }
    guard let invitation else { throw LifecycleError.unknownPerson(person) }
    return invitation
  }

  /// A new token for `person`, who proved to be them (with their token, an invitation, or on
  /// the command line): the old token and any invitation end. `presenting` is the hash of the
  /// credential they proved it with (nil on the command line): it must still be theirs when the
  /// new roster is published, so that of two rotations with one credential only one succeeds.
  public func rotateToken(of person: String, presenting credential: String?, now: Date) throws -> String {
    let token = try updateRoster(by: .person(person), now: now, message: "\(person) rotated their token") { roster in
      guard roster.people[person] != nil else { return nil }
      if let credential, Credential.find(credential, in: roster, now: now)?.person != person {
        throw LifecycleError.credentialEnded(person: person)
      }
      let token = Token.generate()
      roster.people[person] = .init(tokenHash: Token.hash(token), tokenIssued: now)
      return token
    }
    guard let token else { throw LifecycleError.unknownPerson(person) }
    return token
  }

  /// Ends a person's token and invitation (from the local administrator, for a token that
  /// leaked); the person needs a new invitation to come back.
  public func cancelToken(of text: String, now: Date) throws {
    let person = try Name(text, what: "person").value
    let done = try updateRoster(by: .administrator, now: now, message: "cancel the token of \(person)") { roster in
      guard roster.people[person] != nil else { return nil }
      roster.people[person] = .init()
      return ""
    }
    guard done != nil else { throw LifecycleError.unknownPerson(person) }
  }

  /// Who changes the roster: a member in a role (a lead adding someone), a person acting on
  /// their own account, or the root's local administrator.
  enum RosterAuthor {
    case actor(Actor)
    case person(String)
    case administrator

    var names: (author: String, role: String) {
      switch self {
      case .actor(let actor): (actor.name, actor.role.rawValue)
      case .person(let name): (name, "member")
      case .administrator: ("admin", "admin")
      }
    }
  }

  private func updateRoster(
    by changer: RosterAuthor, now: Date, message: String, _ change: (inout Roster) throws -> String?
  ) throws -> String? {
    let (author, role) = changer.names
    var attempts = 0
    while true {
      var (roster, version) = try roster()
      guard let token = try change(&roster) else { return nil }
      do {
        let draft = try DocumentDraft(roster, author: author, role: role, time: now, message: message)
        try store.publish(Roster.path, draft, expecting: version)
        return token
      } catch StoreError.conflict where attempts < 8 {
        attempts += 1
      }
    }
  }

  /// The person a token or a live invitation belongs to, or nil. Compares hashes in constant
  /// time.
  public func credential(forToken token: String, now: Date) throws -> Credential? {
    Credential.find(Token.hash(token), in: try roster().0, now: now)
  }

  /// The person a token (not an invitation) belongs to, or nil.
  public func person(forToken token: String) throws -> String? {
    guard let credential = try credential(forToken: token, now: Date()), credential.kind == .token else { return nil }
    return credential.person
  }
}

/// What a token proved: whose it is, its stored hash, and whether it is the person's own token
/// or an invitation.
public struct Credential: Sendable, Equatable {
  public enum Kind: Sendable { case token, invitation }
  public let person: String
  public let hash: String
  public let kind: Kind

  /// The credential `hash` is in `roster` at `now`, if any.
  public static func find(_ hash: String, in roster: Roster, now: Date) -> Credential? {
    var found: Credential?
    for (name, person) in roster.people {
      if let own = person.tokenHash, Token.constantTimeEqual(own, hash) {
        found = Credential(person: name, hash: hash, kind: .token)
      }
      if let invitation = person.invitationHash, let expires = person.invitationExpires,
        Token.constantTimeEqual(invitation, hash), now < expires
      {
        found = Credential(person: name, hash: hash, kind: .invitation)
      }
    }
    return found
  }
}
