/// What kind of failure an error is; fixes the CLI exit code and the server's error code.
///
/// The numbers are part of the documented interface (README "Exit codes"); never renumber them.
public enum ErrorCategory: String, Sendable, Codable, CaseIterable {
  /// A check ran and found problems (fsck, a gate).
  case checkFailed
  /// The words of the call are wrong: unknown command or option, malformed argument.
  case usage
  /// A value given is invalid: a bad name, a value out of range, a malformed input file.
  case invalidInput
  /// Something named does not exist: workspace, record, version, member.
  case notFound
  /// The caller may not do this: no identity, not a member, a role is missing.
  case notPermitted
  /// Someone else changed the record first, or it exists already.
  case conflict
  /// A stored file cannot be read as what it should be.
  case corrupt
  /// The operating system refused a file operation.
  case io
  /// A fault in mlw itself.
  case internalError

  /// The process exit code for this category.
  public var exitCode: Int32 {
    switch self {
    case .checkFailed: 1
    case .usage: 2
    case .invalidInput: 3
    case .notFound: 4
    case .notPermitted: 5
    case .conflict: 6
    case .corrupt: 7
    case .io: 8
    case .internalError: 9
    }
  }
}

/// An error with a category and a one-line message that says what was wrong and what to do.
public protocol CategorizedError: Error, CustomStringConvertible, Sendable {
  var category: ErrorCategory { get }
  /// One line, no trailing period needed; says what was wrong and what to do next.
  var message: String { get }
}

extension CategorizedError {
  public var description: String { message }
}

/// Failures of the versioned store and the append-only logs.
public enum StoreError: CategorizedError, Equatable {
  case invalidName(what: String, name: String, reason: String)
  case notFound(what: String, hint: String)
  case versionNotFound(path: String, version: Int, latest: Int)
  case conflict(path: String, version: Int, author: String, role: String, time: String, youRead: Int, now: Int)
  case alreadyExists(path: String)
  case corrupt(file: String, reason: String)
  case newerSchema(file: String, kind: String, found: Int, known: Int)
  case wrongKind(file: String, expected: String, found: String)
  case io(path: String, operation: String, reason: String)

  public var category: ErrorCategory {
    switch self {
    case .invalidName: .invalidInput
    case .notFound, .versionNotFound: .notFound
    case .conflict, .alreadyExists: .conflict
    case .corrupt, .newerSchema, .wrongKind: .corrupt
    case .io: .io
    }
  }

  public var message: String {
    switch self {
    case .invalidName(let what, let name, let reason):
      let shown = name.count > 80 ? String(name.prefix(77)) + "..." : name
      return "invalid \(what) \"\(shown)\": \(reason)"
    case .notFound(let what, let hint):
      return hint.isEmpty ? "\(what) not found" : "\(what) not found; \(hint)"
    case .versionNotFound(let path, let version, let latest):
      return latest == 0
        ? "\(path) has no versions"
        : "\(path) has no version \(version); its versions are 1 to \(latest)"
    case .conflict(let path, let version, let author, let role, let time, let youRead, let now):
      let read = youRead == 0 ? "you expected it not to exist yet" : "you read version \(youRead)"
      let since = now > version ? ", and it is at version \(now) now" : ""
      return "version \(version) of \(path) was published by \(author) (\(role)) at \(time) after \(read)\(since); "
        + "re-read it ('mlw show' it) and apply your change again on top of it (--if-version \(now))"
    case .alreadyExists(let path):
      return "\(path) exists already"
    case .corrupt(let file, let reason):
      return "\(file) is corrupt: \(reason); run 'mlw fsck' to see every damaged file"
    case .newerSchema(let file, let kind, let found, let known):
      return "\(file) is a \(kind) of schema version \(found), newer than this mlw knows (\(known)); upgrade mlw to read it"
    case .wrongKind(let file, let expected, let found):
      return "\(file) holds a \(found), not a \(expected)"
    case .io(let path, let operation, let reason):
      return "cannot \(operation) \(path): \(reason)"
    }
  }
}
