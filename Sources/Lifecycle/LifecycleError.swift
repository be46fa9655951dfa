import VersionedStore

/// Failures of the domain layer; each message says what was wrong and what to do.
public enum LifecycleError: CategorizedError, Equatable {
  case noIdentity
  case notMember(name: String, workspace: String)
  case lacksRole(name: String, workspace: String, needs: [Role], has: [Role])
  case unknownRole(String)
  case noWorkspace
  case unknownWorkspace(name: String, available: [String], visibleTo: String? = nil)
  case workspaceExists(String)
  case unknownMember(name: String, workspace: String)
  case memberExists(name: String, workspace: String)
  case roleAlreadyHeld(name: String, role: Role)
  case roleNotHeld(name: String, role: Role)
  case lastRole(name: String)
  case lastLead(workspace: String)
  case unknownRecord(path: String, known: [String])
  case invalidValue(what: String, reason: String)
  case leadOfNone(name: String)
  case unknownPerson(String)
  case credentialEnded(person: String)
  /// A change the current state does not allow (deploying an unapproved model); the reason says
  /// what to do instead.
  case refused(String)

  public var category: ErrorCategory {
    switch self {
    case .noIdentity, .notMember, .lacksRole, .leadOfNone: .notPermitted
    case .unknownRole, .invalidValue, .noWorkspace: .invalidInput
    case .unknownWorkspace, .unknownMember, .unknownRecord, .unknownPerson: .notFound
    case .workspaceExists, .memberExists, .roleAlreadyHeld, .roleNotHeld, .lastRole, .lastLead, .credentialEnded, .refused: .conflict
    }
  }

  public var message: String {
    switch self {
    case .noIdentity:
      return "no identity: say who you are with --as NAME or the MLW_USER environment variable"
    case .notMember(let name, let workspace):
      return "\(name) is not a member of workspace '\(workspace)'; a lead of it can add them (mlw lead member add)"
    case .lacksRole(let name, let workspace, let needs, let has):
      let needed = needs.count == 1 ? "the \(needs[0]) role" : "one of the roles " + needs.map(\.rawValue).joined(separator: ", ")
      let held = has.isEmpty ? "no role" : has.map(\.rawValue).joined(separator: ", ")
      return "\(name) needs \(needed) in workspace '\(workspace)' (holds \(held)); a lead can grant it (mlw lead member grant)"
    case .unknownRole(let text):
      return "unknown role '\(text)'; the roles are \(Role.allCases.map(\.rawValue).joined(separator: ", "))"
    case .noWorkspace:
      return "no workspace named: pass --workspace NAME or set MLW_WORKSPACE ('mlw workspaces' lists them)"
    case .unknownWorkspace(let name, let available, let person?):
      // The same whether the workspace exists or not: a non-member learns nothing of it.
      let list =
        available.isEmpty
        ? "\(person) belongs to none; a lead adds members (mlw lead member add)" : "\(person) belongs to: " + available.joined(separator: ", ")
      return "no workspace '\(name)' that \(person) belongs to; \(list)"
    case .unknownWorkspace(let name, let available, nil):
      let list = available.isEmpty ? "there are none yet; create one with 'mlw init'" : "there are: " + available.joined(separator: ", ")
      return "no workspace '\(name)' under this root; \(list)"
    case .workspaceExists(let name):
      return "workspace '\(name)' exists already; pick another name"
    case .unknownMember(let name, let workspace):
      return "\(name) is not a member of workspace '\(workspace)'; 'mlw lead member list' shows the members"
    case .memberExists(let name, let workspace):
      return "\(name) is a member of workspace '\(workspace)' already; use 'mlw lead member grant' to add a role"
    case .roleAlreadyHeld(let name, let role):
      return "\(name) holds the \(role) role already"
    case .roleNotHeld(let name, let role):
      return "\(name) does not hold the \(role) role"
    case .lastRole(let name):
      return "\(name) would be left with no role; remove the member instead (mlw lead member remove \(name))"
    case .lastLead(let workspace):
      return "workspace '\(workspace)' would be left without a lead; grant the lead role to someone else first"
    case .unknownRecord(let path, let known):
      return "'\(path)' is not a record of this workspace; records are \(known.joined(separator: ", "))"
    case .invalidValue(let what, let reason):
      return "invalid \(what): \(reason)"
    case .credentialEnded(let person):
      return "the token or invitation this connection used for \(person) has ended (it was rotated meanwhile); authenticate with the current one"
    case .refused(let reason):
      return reason
    case .unknownPerson(let name):
      return "\(name) is not on the team roster; a lead adds people to a workspace (mlw lead member add)"
    case .leadOfNone(let name):
      return "\(name) needs the lead role in at least one workspace: the portfolio is the leads' (a lead can grant the role: mlw lead member grant)"
    }
  }
}
