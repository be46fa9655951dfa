import VersionedStore

/// Who a connection is, once it authenticated: the person, and the stored hash of the token it
/// used (so the server can tell, request by request, whether that token still holds).
public struct Caller: Sendable, Hashable {
  public enum Standing: Sendable, Hashable {
    /// A person's own token: every command the person's roles allow.
    case member
    /// An invitation, good only for exchanging it for a token of the person's own.
    case invited
  }

  public let member: String
  public let credential: String
  public let standing: Standing

  public init(member: String, credential: String, standing: Standing) {
    self.member = member
    self.credential = credential
    self.standing = standing
  }
}

/// What the server serves. The server frames lines, holds connections and their limits, runs
/// the authentication handshake, keeps the response cache and the worker threads; it hands each
/// authenticated request to its responder, which knows the commands.
///
/// Every method but `path(of:)` and `isCurrent` runs on a worker thread and may block on files.
public protocol Responder: Sendable {
  /// The caller a token authenticates, or nil when it authenticates nobody.
  func authenticate(token: String) throws -> Caller?

  /// Whether the credential the caller authenticated with still holds (a rotated token ends
  /// the sessions that used it). Called before every request, on the event loop: must be cheap.
  func isCurrent(_ caller: Caller) -> Bool

  /// The command path the words name, for the request log and the response cache's accounts;
  /// nil when they name no command. Must not touch files.
  func path(of words: [String]) -> String?

  /// Runs one request for an authenticated caller; the result's JSON. Errors are `WireError`s
  /// or `CategorizedError`s (mapped to the matching code).
  ///
  /// The server binds a `ReadSet` around the call when the result may be cached: everything the
  /// run reads through the store is recorded there, and whatever it must not be reused for
  /// (files of the client's, the time) says so through `ReadSet.dependsOn`.
  func respond(to request: WireRequest, caller: Caller) throws -> JSONValue

  /// The help text for the words after `help` (all commands when empty), and the list of
  /// commands with who may run them (`help` without words only).
  func help(_ words: [String]) -> JSONValue
}
