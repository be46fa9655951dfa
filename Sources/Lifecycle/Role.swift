/// The five roles of DOMAIN.md. A member may hold several roles in a workspace.
public enum Role: String, Codable, CaseIterable, Sendable, Comparable, CustomStringConvertible {
  case lead, sme, manager, annotator, engineer

  /// What a person in this role does, for help texts and listings.
  public var summary: String {
    switch self {
    case .lead: "project lead: scope, feasibility, priorities, members"
    case .sme: "subject-matter expert: goal, accuracy requirement, human baseline, sign-off"
    case .manager: "annotation manager: guidelines, assignment, label quality"
    case .annotator: "annotator: labels items under a guideline version"
    case .engineer: "ML engineer: runs, evaluations, deployments, monitoring"
    }
  }

  public var description: String { rawValue }

  public static func < (lhs: Role, rhs: Role) -> Bool {
    allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
  }

  /// Parses a role name, with an error that lists the roles.
  public init(parsing text: String) throws(LifecycleError) {
    guard let role = Role(rawValue: text) else { throw LifecycleError.unknownRole(text) }
    self = role
  }
}

/// Who may run a command.
public enum Access: Sendable, Equatable {
  /// Anyone, no workspace involved (statistics on plain files, listings of the root).
  case open
  /// Administration of the root on the local machine (init, fsck); never over the server.
  case admin
  /// Any member of the workspace (read commands).
  case member
  /// A member holding at least one of these roles; the first one held (in this order) is the
  /// role the change is recorded under.
  case roles([Role])
  /// Spans workspaces: the command shows only those where the caller holds the role.
  case anyWorkspaceWith(Role)
}

/// The person acting and the role their change is recorded under.
public struct Actor: Sendable, Equatable, Codable {
  public let name: String
  public let role: Role

  public init(name: String, role: Role) {
    self.name = name
    self.role = role
  }
}
