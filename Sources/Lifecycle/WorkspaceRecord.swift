import Foundation
import VersionedStore

/// The `workspace` record: what the project is called and who holds which role in it.
///
/// Stored at `Workspaces/<name>/workspace/`. Schema: `schemas/kinds/workspace.schema.json`.
public struct WorkspaceRecord: DocumentBody, Equatable {
  public static let kind = "workspace"
  public static let schemaVersion = 1
  /// Where the record lives inside the workspace folder.
  public static let path = RecordPath(trusted: ["workspace"])

  public struct Member: Codable, Sendable, Equatable {
    public var roles: [Role]

    public init(roles: [Role]) {
      self.roles = Array(Set(roles)).sorted()
    }
  }

  public var name: String
  public var title: String
  public var members: [String: Member]

  public init(name: String, title: String, members: [String: Member]) {
    self.name = name
    self.title = title
    self.members = members
  }

  /// The roles `person` holds here (none when not a member).
  public func roles(of person: String) -> [Role] { members[person]?.roles ?? [] }

  /// Members holding `role`, sorted.
  public func holders(of role: Role) -> [String] {
    members.filter { $0.value.roles.contains(role) }.map(\.key).sorted()
  }
}

/// The team roster: everyone who has a token, across all workspaces of a root.
///
/// Stored at `Workspaces/.team/roster/`. Only SHA-256 hashes of tokens are kept; a token is shown
/// once, when it is issued. Schema: `schemas/kinds/roster.schema.json`.
public struct Roster: DocumentBody, Equatable {
  public static let kind = "roster"
  /// 2 added invitations and made the token optional (a person invited has none yet);
  /// version 1 files read as they are.
  public static let schemaVersion = 2
  /// Relative to the root folder (not to a workspace).
  public static let path = RecordPath(trusted: [".team", "roster"])

  public struct Person: Codable, Sendable, Equatable {
    /// `sha256:<hex>` of the person's own token; nil until an invitation is exchanged for one.
    public var tokenHash: String?
    public var tokenIssued: Date?
    /// `sha256:<hex>` of an invitation: good only for `token rotate`, until it expires.
    public var invitationHash: String?
    public var invitationExpires: Date?

    public init(tokenHash: String? = nil, tokenIssued: Date? = nil, invitationHash: String? = nil, invitationExpires: Date? = nil) {
      self.tokenHash = tokenHash
      self.tokenIssued = tokenIssued
      self.invitationHash = invitationHash
      self.invitationExpires = invitationExpires
    }
  }

  public var people: [String: Person]

  public init(people: [String: Person]) {
    self.people = people
  }
}

/// One line of a workspace's journal: a version was published.
///
/// The journal (`Workspaces/<name>/journal.jsonl`, an append-only log) is an index of every
/// publish in the workspace, in order, so that `mlw log` and `mlw status` need not open every
/// record. The version files are the truth; fsck finds journal lines a crash kept from being
/// written and `--repair` adds them.
public struct JournalEntry: Codable, Sendable, Equatable {
  public static let kind = "journal"
  public static let schemaVersion = 1

  public var path: String
  public var version: Int
  public var kind: String
  public var message: String

  public init(path: String, version: Int, kind: String, message: String) {
    self.path = path
    self.version = version
    self.kind = kind
    self.message = message
  }
}
