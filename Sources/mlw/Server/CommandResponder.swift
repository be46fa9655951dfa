import ArgumentParser
import Foundation
import Lifecycle
import LineServer
import NIOConcurrencyHelpers
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// The command tree as the line server's responder. A request goes through steps that each do
/// one thing: resolve (the command the words name; groups, admin commands, `--as` and `--root`
/// refused), authorize (the role its place in the tree needs, before anything is parsed, so a
/// member learns nothing of a command they may not run), parse, confine (files sent inline are
/// stored in the caller's files area, and only as the command's own file arguments; every file
/// argument resolves inside that area when the command reads it: `CommandContext.path`), run.
struct CommandResponder: Responder {
  let root: Root
  let credentials: CredentialCache

  init(root: Root) {
    self.root = root
    credentials = CredentialCache(root: root)
  }

  func authenticate(token: String) throws -> Caller? {
    guard let credential = try root.credential(forToken: token, now: Date()) else { return nil }
    return Caller(member: credential.person, credential: credential.hash, standing: credential.kind == .token ? .member : .invited)
  }

  func isCurrent(_ caller: Caller) -> Bool { credentials.holds(caller) }

  func path(of words: [String]) -> String? {
    let command = CommandTree.root.command(named: words)
    return command.path.isEmpty ? nil : command.name
  }

  func respond(to request: WireRequest, caller: Caller) throws -> JSONValue {
    do {
      return try run(request, caller: caller)
    } catch let error as any CategorizedError {
      // Paths inside the root are named as the caller named them.
      throw WireError(
        WireCode(error.category), scrub(error.message),
        data: .object(["category": .string(error.category.rawValue), "exitCode": .int(Int(error.category.exitCode))]))
    }
  }

  private func run(_ request: WireRequest, caller: Caller) throws -> JSONValue {
    let (leaf, access, arguments) = try Self.resolve(request.words, caller: caller)
    guard let served = leaf.runnable else { throw WireError(.methodNotFound, "'\(leaf.name)' cannot be run") }
    let workspace = Self.workspaceArgument(arguments)
    let effect = served.effect

    // Authorize: the role first, before the arguments are even parsed. The context authorized
    // here serves the command when it names the same workspace (it does, unless -w was given twice).
    var authorized: CommandContext?
    if case .roles = access, let workspace {
      authorized = try CommandContext.server(root: root, identity: caller.member, credential: caller.credential, workspace: workspace)
        .authorized(for: access, effect: effect)
    }

    // A file sent inline is named by its sender: a name no file may have (an option, a
    // climb, a control character) is refused before it takes a place among the arguments.
    for attachment in request.attachments { try FilesArea.checkName(attachment.name, workspace: workspace ?? "(none named)") }

    let command: any MlwCommand
    do { command = try PreparedCommands.shared.parse(served, arguments) } catch {
      throw Self.parseFailure(error, path: leaf.name)
    }
    let context =
      if let authorized, authorized.workspaceName == command.global.workspace { authorized } else {
        try CommandContext.server(root: root, identity: caller.member, credential: caller.credential, workspace: command.global.workspace)
          .authorized(for: access, effect: effect)
      }

    // Confine: every file argument must name a place inside the caller's files area before the
    // command runs at all (the command resolves it again where it opens it); files sent inline
    // go there, as the command's own inputs.
    let files = FileArguments.all(of: command)
    for file in files { try context.filesArea(for: file).check(file) }
    if !request.attachments.isEmpty {
      ReadSet.dependsOn("files sent with the request")
      let inputs = Set(FileArguments.inputs(of: command))
      for attachment in request.attachments {
        guard inputs.contains(attachment.name) else {
          throw WireError(
            .invalidParams, "the file '\(attachment.name)' sent inline is not a file this command reads; send it as the value of its file param")
        }
        try context.filesArea(for: attachment.name).store(attachment.name, content: attachment.content)
      }
    }

    let (json, failure) = try command.serve(authorized: context)
    if let failure {
      throw WireError(
        WireCode(failure.category), scrub(failure.message),
        data: .object(["category": .string(failure.category.rawValue), "exitCode": .int(Int(failure.category.exitCode)), "result": json]))
    }
    return json
  }

  /// A message with paths under the root shortened: a file of a files area as the caller named
  /// it, anything else under the root relative to it. The server's own folders are nobody's
  /// business.
  private func scrub(_ message: String) -> String {
    guard message.contains(root.path + "/") else { return message }
    var text = message
    if let range = text.range(of: root.path + "/") {
      // <root>/<workspace>/files/<name> → <name>
      let rest = text[range.upperBound...]
      if let slash = rest.firstIndex(of: "/"), rest[slash...].hasPrefix("/" + FilesArea.folderName + "/") {
        let end = rest.index(slash, offsetBy: FilesArea.folderName.count + 2)
        text.replaceSubrange(range.lowerBound..<end, with: "")
        return scrub(text)
      }
    }
    return text.replacingOccurrences(of: root.path + "/", with: "")
  }

  /// Finds the command the words name: refuses groups, admin commands, --as and --root, and for
  /// a caller holding an invitation anything but `token rotate`.
  private static func resolve(_ words: [String], caller: Caller) throws -> (command: CommandTree, access: Access, arguments: [String]) {
    let command = CommandTree.root.command(named: words)
    let path = command.name
    guard !command.path.isEmpty else { throw WireError(.methodNotFound, "unknown command '\(words[0])'; send 'help' for the commands") }
    guard let access = command.access else {
      if command.subcommands.isEmpty {
        throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
      }
      let children = command.subcommands.map { $0.path.last! }.joined(separator: ", ")
      throw WireError(.methodNotFound, "'\(path)' is a group of commands: \(children)")
    }
    if case .admin = access {
      throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
    }
    if caller.standing == .invited, command.runnable != Mlw.Token.Rotate.self {
      throw WireError(
        .notPermitted, "an invitation is good only for 'token rotate', which gives you a token of your own; then authenticate with it",
        data: .object(["category": .string(ErrorCategory.notPermitted.rawValue), "exitCode": .int(5)]))
    }
    let arguments = Array(words.dropFirst(command.path.count))
    for word in arguments {
      if word == "--as" || word.hasPrefix("--as=") {
        throw WireError(.invalidParams, "--as is not accepted over the server: the connection acts as \(caller.member)")
      }
      if word == "--root" || word.hasPrefix("--root=") {
        throw WireError(.invalidParams, "--root is not accepted over the server: it serves one root")
      }
    }
    return (command, access, arguments)
  }

  /// The value of `--workspace`/`-w` among the arguments, if any.
  static func workspaceArgument(_ arguments: [String]) -> String? {
    for (i, word) in arguments.enumerated() {
      if word == "--workspace" || word == "-w", i + 1 < arguments.count { return arguments[i + 1] }
      if word.hasPrefix("--workspace=") { return String(word.dropFirst("--workspace=".count)) }
    }
    return nil
  }

  static func parseFailure(_ error: any Error, path: String) -> WireError {
    let text = Mlw.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    return WireError(.usage, "\(text) (send 'help \(path)')", data: .object(["category": .string("usage"), "exitCode": .int(2)]))
  }

  func help(_ words: [String]) -> JSONValue {
    let type = CommandTree.root.command(named: words).type
    guard words.isEmpty else { return .object(["help": .string(Mlw.helpMessage(for: type, columns: 100))]) }
    let text =
      """
      mlw serve: one request per line, the words you would type after 'mlw' (shell quoting), or JSON-RPC 2.0 \
      {"jsonrpc":"2.0","id":1,"method":"lead.member.list","params":{"workspace":"w"}}. First: auth TOKEN. \
      'help COMMAND…' shows a command's options.

      """ + Mlw.helpMessage(for: Mlw.self, columns: 100)
    return .object(["help": .string(text), "commands": .array(Self.catalog())])
  }

  /// Every command of the tree with its JSON-RPC method, what it does to the store, and who may
  /// run it over the server: `open` (any authenticated member), `member` (members of the
  /// workspace), `roles` (with the roles), `local` (not over the server).
  static func catalog() -> [JSONValue] {
    CommandTree.root.leaves.map { command in
      var entry: [String: JSONValue] = ["path": .string(command.name), "method": .string(command.path.joined(separator: "."))]
      if let effect = command.runnable?.effect { entry["effect"] = .string(effect.rawValue) }
      switch command.access {
      case .open?: entry["access"] = .string("open")
      case .member?: entry["access"] = .string("member")
      case .roles(let roles)?:
        entry["access"] = .string("roles")
        entry["roles"] = .array(roles.map { .string($0.rawValue) })
      case .anyWorkspaceWith(let role)?:
        entry["access"] = .string("roles")
        entry["roles"] = .array([.string(role.rawValue)])
      case .admin?, nil: entry["access"] = .string("local")
      }
      return .object(entry)
    }
  }
}

/// Whether the credential a connection authenticated with still holds, answered from the
/// roster as of its latest version. One `stat` of the roster's folder when nothing changed: a
/// new version is a new file there, which moves the folder's modification time; when that
/// moved, the latest version is probed and the roster read again if it is newer.
final class CredentialCache: Sendable {
  private struct Known {
    var stamp: FolderStamp
    var version: Int
    var roster: Roster
  }

  private struct FolderStamp: Equatable {
    var inode: UInt64
    var seconds: Int
    var nanoseconds: Int

    init?(_ path: String) {
      var info = stat()
      guard stat(path, &info) == 0 else { return nil }
      inode = UInt64(info.st_ino)
      seconds = info.st_mtim.tv_sec
      nanoseconds = info.st_mtim.tv_nsec
    }
  }

  let root: Root
  private let state = NIOLockedValueBox<Known?>(nil)

  init(root: Root) {
    self.root = root
  }

  func holds(_ caller: Caller) -> Bool {
    guard let stamp = FolderStamp(root.rosterFolder) else { return false }
    let known = state.withLockedValue { $0 }
    let roster: Roster
    if let known, known.stamp == stamp {
      roster = known.roster
    } else {
      guard var version = try? root.rosterVersion() else { return false }
      if let known, known.version == version {
        roster = known.roster
      } else {
        guard let (fresh, freshVersion) = try? root.roster() else { return false }
        (roster, version) = (fresh, freshVersion)
      }
      state.withLockedValue { $0 = Known(stamp: stamp, version: version, roster: roster) }
    }
    guard let credential = Credential.find(caller.credential, in: roster, now: Date()) else { return false }
    return credential.person == caller.member && (credential.kind == .token) == (caller.standing == .member)
  }
}

/// The file arguments a parsed command holds, found by reflection over its properties (and
/// their option groups): what files sent inline may stand for.
enum FileArguments {
  /// The files the command reads.
  static func inputs(of command: any MlwCommand) -> [String] {
    var found: [String] = []
    collectTop(command, outputs: false, into: &found)
    return found
  }

  /// The files the command reads or writes.
  static func all(of command: any MlwCommand) -> [String] {
    var found: [String] = []
    collectTop(command, outputs: true, into: &found)
    return found
  }

  /// Per command type, the places among its stored properties that can hold a file argument:
  /// a file type's wrapper, or an option group other than the global options. Reflecting every
  /// property of every request cost a quarter of the server's time on an append.
  private static let plans = NIOLockedValueBox([ObjectIdentifier: [Int]]())

  private static func collectTop(_ command: any MlwCommand, outputs: Bool, into found: inout [String]) {
    let key = ObjectIdentifier(type(of: command))
    let children = Mirror(reflecting: command).children
    let plan =
      plans.withLockedValue { $0[key] }
      ?? {
        let computed = children.enumerated().compactMap { offset, child -> Int? in
          let name = String(reflecting: type(of: child.value))
          let mayHold = name.contains("InputFile") || name.contains("OutputFile") || (name.contains("OptionGroup") && !name.contains("GlobalOptions"))
          return mayHold ? offset : nil
        }
        plans.withLockedValue { $0[key] = computed }
        return computed
      }()
    for offset in plan {
      collect(children[children.index(children.startIndex, offsetBy: offset)].value, depth: 1, outputs: outputs, into: &found)
    }
  }

  private static func collect(_ value: Any, depth: Int, outputs: Bool, into found: inout [String]) {
    if let file = value as? InputFile {
      found.append(file.given)
      return
    }
    if let file = value as? OutputFile {
      if outputs { found.append(file.given) }
      return
    }
    guard depth < 8 else { return }
    for child in Mirror(reflecting: value).children { collect(child.value, depth: depth + 1, outputs: outputs, into: &found) }
  }
}
