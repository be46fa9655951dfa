import Foundation
import VersionedStore

/// The outcome of a change to the members of a workspace.
public struct MemberChange: Sendable, Encodable, Equatable {
  public var workspace: String
  public var member: String
  public var roles: [Role]
  /// The version of the workspace record this change published (nil when nothing was published).
  public var version: Int?
  /// An invitation issued by this change (the person was new to the team), shown this once and
  /// stored only as a hash: good only to exchange for a token of their own (`mlw token rotate`).
  public var invitation: String?
}

/// One member and their roles.
public struct MemberSummary: Sendable, Encodable, Equatable {
  public var name: String
  public var roles: [Role]
  public var hasToken: Bool
}

extension Workspace {
  /// Every member with their roles, sorted by name.
  public func memberList() throws -> [MemberSummary] {
    let record = try record().0
    let people = try root.roster().0.people
    return record.members.keys.sorted().map { name in
      MemberSummary(name: name, roles: record.members[name]!.roles, hasToken: people[name]?.tokenHash != nil)
    }
  }

  /// Adds a person to this workspace with `roles`, and to the roster when they are new there
  /// (with an invitation, returned once).
  public func addMember(_ text: String, roles: [Role], actor: Actor, now: Date, ifVersion: Int?) throws -> MemberChange {
    let person = try Name(text, what: "member name").value
    guard !roles.isEmpty else { throw LifecycleError.invalidValue(what: "roles", reason: "give at least one --role") }
    let (record, stored) = try self.record()
    let expected = ifVersion ?? stored.envelope.version
    if record.members[person] != nil { throw LifecycleError.memberExists(name: person, workspace: name) }
    var updated = record
    updated.members[person] = .init(roles: roles)
    let roleList = roles.map(\.rawValue).sorted().joined(separator: ", ")
    // Publish first, so that a refused change (a conflict) issues no token.
    let published = try publish(
      WorkspaceRecord.path, updated, actor: actor, message: "add \(person) as \(roleList)", expecting: expected, now: now)
    let token = try root.ensurePerson(person, actor: actor, now: now)
    return MemberChange(
      workspace: name, member: person, roles: updated.members[person]!.roles, version: published.envelope.version,
      invitation: token)
  }

  /// Gives a member one more role.
  public func grant(_ text: String, role: Role, actor: Actor, now: Date, ifVersion: Int?) throws -> MemberChange {
    try changeRoles(text, actor: actor, now: now, ifVersion: ifVersion, message: "grant \(role) to \(text)") { person, roles in
      guard !roles.contains(role) else { throw LifecycleError.roleAlreadyHeld(name: person, role: role) }
      roles.append(role)
    }
  }

  /// Takes a role from a member; the last role cannot go (remove the member instead), nor the
  /// workspace's last lead.
  public func revoke(_ text: String, role: Role, actor: Actor, now: Date, ifVersion: Int?) throws -> MemberChange {
    try changeRoles(text, actor: actor, now: now, ifVersion: ifVersion, message: "revoke \(role) from \(text)") { person, roles in
      guard roles.contains(role) else { throw LifecycleError.roleNotHeld(name: person, role: role) }
      guard roles.count > 1 else { throw LifecycleError.lastRole(name: person) }
      roles.removeAll { $0 == role }
    }
  }

  /// Removes a member from this workspace (their labels and records stay, attributed to them).
  public func removeMember(_ text: String, actor: Actor, now: Date, ifVersion: Int?) throws -> MemberChange {
    let person = try Name(text, what: "member name").value
    let (record, stored) = try self.record()
    guard let member = record.members[person] else { throw LifecycleError.unknownMember(name: person, workspace: name) }
    if member.roles.contains(.lead), record.holders(of: .lead).count == 1 { throw LifecycleError.lastLead(workspace: name) }
    var updated = record
    updated.members[person] = nil
    let published = try publish(
      WorkspaceRecord.path, updated, actor: actor, message: "remove \(person)",
      expecting: ifVersion ?? stored.envelope.version, now: now)
    return MemberChange(workspace: name, member: person, roles: [], version: published.envelope.version, invitation: nil)
  }

  private func changeRoles(
    _ text: String, actor: Actor, now: Date, ifVersion: Int?, message: String,
    _ change: (String, inout [Role]) throws -> Void
  ) throws -> MemberChange {
    let person = try Name(text, what: "member name").value
    let (record, stored) = try self.record()
    guard var roles = record.members[person]?.roles else {
      throw LifecycleError.unknownMember(name: person, workspace: name)
    }
    try change(person, &roles)
    var updated = record
    updated.members[person] = .init(roles: roles)
    if record.members[person]!.roles.contains(.lead), !roles.contains(.lead), record.holders(of: .lead).count == 1 {
      throw LifecycleError.lastLead(workspace: name)
    }
    let published = try publish(
      WorkspaceRecord.path, updated, actor: actor, message: message, expecting: ifVersion ?? stored.envelope.version,
      now: now)
    return MemberChange(
      workspace: name, member: person, roles: updated.members[person]!.roles, version: published.envelope.version,
      invitation: nil)
  }
}
