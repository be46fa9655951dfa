import Foundation
import Lifecycle
import VersionedStore

/// Everything a command needs to run, built once per invocation: where the data is, who is
/// acting, and (after authorization) the workspace and the actor's role.
struct CommandContext: Sendable {
  /// Where the request came from; the server refuses `--as` and admin commands.
  enum Channel: Sendable { case commandLine, server }

  let root: Root
  /// The member named by `--as`/`MLW_USER` on the command line, or the authenticated member on
  /// the server; nil for a local reader who named nobody.
  let identity: String?
  /// The hash of the token or invitation a server connection authenticated with (nil on the
  /// command line).
  let credential: String?
  let workspaceName: String?
  let channel: Channel
  private let startTime: Date
  private(set) var workspace: Workspace?
  private(set) var actor: Actor?

  init(root: Root, identity: String?, credential: String? = nil, workspaceName: String?, now: Date, channel: Channel) {
    self.root = root
    self.identity = identity
    self.credential = credential
    self.workspaceName = workspaceName
    self.startTime = now
    self.channel = channel
  }

  /// The time of the invocation. A result that depends on it cannot be reused for a later
  /// request (the server's response cache, see `ReadSet`).
  var now: Date {
    ReadSet.dependsOn("the time")
    return startTime
  }

  /// The context for a command-line invocation: options first, then the environment.
  static func commandLine(_ options: GlobalOptions, environment: [String: String]) throws -> CommandContext {
    let rootPath = options.root ?? environment["MLW_ROOT"].flatMap { $0.isEmpty ? nil : $0 } ?? "Workspaces"
    let identity = options.actor ?? environment["MLW_USER"].flatMap { $0.isEmpty ? nil : $0 }
    if let identity { _ = try Name(identity, what: "member name (--as)") }
    let workspace = options.workspace ?? environment["MLW_WORKSPACE"].flatMap { $0.isEmpty ? nil : $0 }
    return CommandContext(
      root: Root(path: rootPath), identity: identity, workspaceName: workspace, now: Date(), channel: .commandLine)
  }

  /// The context for a server request: the connection's member, the workspace named in the
  /// request. `--as` and `--root` never reach here (the server refuses them).
  /// `identity` is always a person: every server request is authenticated.
  static func server(root: Root, identity: String, credential: String? = nil, workspace: String?) -> CommandContext {
    CommandContext(root: root, identity: identity, credential: credential, workspaceName: workspace, now: Date(), channel: .server)
  }

  /// Checks `access` and fills in the workspace and actor. A workspace the caller is not a
  /// member of is "not found", the same as one that does not exist.
  func authorized(for access: Access, effect: Effect) throws -> CommandContext {
    var context = self
    switch access {
    case .open, .admin, .anyWorkspaceWith:
      if let workspaceName { context.workspace = try? root.workspace(workspaceName, visibleTo: identity) }
    case .member, .roles:
      guard let workspaceName else { throw LifecycleError.noWorkspace }
      let (workspace, record) = try root.visibleWorkspace(workspaceName, to: identity)
      context.workspace = workspace
      context.actor = try workspace.authorize(access, identity: identity, reading: effect == .reads, record: record)
    }
    return context
  }

  /// The workspace the command acts on.
  func requireWorkspace() throws -> Workspace {
    if let workspace { return workspace }
    guard let workspaceName else { throw LifecycleError.noWorkspace }
    return try root.workspace(workspaceName, visibleTo: identity)
  }

  /// The path to read a file argument at: on the command line the path as given (local use is
  /// trusted); on the server a regular file inside the files area of the workspace named with
  /// `-w`, which the caller must be a member of (see `FilesArea`).
  func path(reading file: InputFile) throws -> String {
    guard channel == .server else { return file.given }
    // What a client's file holds is not the store's to track: never reuse such a result.
    ReadSet.dependsOn("files named in the request")
    return try filesArea(for: file.given).reading(file.given)
  }

  /// The path to read a folder argument at: on the command line the path as given; on the
  /// server an existing folder inside the files area of the workspace named with `-w`, which the
  /// caller must be a member of.
  func path(readingFolder given: String) throws -> String {
    guard channel == .server else { return given }
    ReadSet.dependsOn("files named in the request")
    return try filesArea(for: given).readingFolder(given)
  }

  /// The path to write a file argument at: on the command line the path as given, replacing a
  /// file there only with `force`; on the server inside the caller's files area, never
  /// replacing a file unless `force` (and then only a regular file inside the area).
  func path(writing file: OutputFile, force: Bool) throws -> String {
    guard channel == .server else {
      if !force, FileIO.exists(file.given) {
        throw StoreError.alreadyExists(path: "\(file.given) (pass --force to replace it, or name another file)")
      }
      return file.given
    }
    ReadSet.dependsOn("files named in the request")
    return try filesArea(for: file.given).writing(file.given, replacing: force ? .regularFileInside : .never)
  }

  /// The files area of the request's workspace, for a member of it.
  func filesArea(for given: String) throws -> FilesArea {
    guard let workspaceName else {
      throw FilesArea.Refusal(path: given, rule: "needs a workspace: name it with -w", workspace: "-w NAME")
    }
    let workspace = try root.workspace(workspaceName, visibleTo: identity)
    _ = try workspace.authorize(.member, identity: identity)
    return workspace.files
  }

  /// The acting member; commands that write are authorized with a role, so this is set.
  func requireActor() throws -> Actor {
    guard let actor else { throw LifecycleError.noIdentity }
    return actor
  }
}
