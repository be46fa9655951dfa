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
  let workspaceName: String?
  let channel: Channel
  private let startTime: Date
  private(set) var workspace: Workspace?
  private(set) var actor: Actor?

  init(root: Root, identity: String?, workspaceName: String?, now: Date, channel: Channel) {
    self.root = root
    self.identity = identity
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
  static func server(root: Root, identity: String, workspace: String?) -> CommandContext {
    CommandContext(root: root, identity: identity, workspaceName: workspace, now: Date(), channel: .server)
  }

  /// Checks `access` and fills in the workspace and actor.
  func authorized(for access: Access) throws -> CommandContext {
    var context = self
    switch access {
    case .open, .admin:
      if let workspaceName { context.workspace = try? root.workspace(workspaceName) }
    case .member, .roles:
      guard let workspaceName else { throw LifecycleError.noWorkspace }
      let workspace = try root.workspace(workspaceName)
      context.workspace = workspace
      context.actor = try workspace.authorize(access, identity: identity)
    }
    return context
  }

  /// The workspace the command acts on.
  func requireWorkspace() throws -> Workspace {
    if let workspace { return workspace }
    guard let workspaceName else { throw LifecycleError.noWorkspace }
    return try root.workspace(workspaceName)
  }

  /// The acting member; commands that write are authorized with a role, so this is set.
  func requireActor() throws -> Actor {
    guard let actor else { throw LifecycleError.noIdentity }
    return actor
  }
}
