import ArgumentParser
import Foundation
import Lifecycle
import Logging
import NIOCore
import NIOPosix
import VersionedStore

/// One connection's state: who it is authenticated as, and a count of its requests.
struct Session: Sendable {
  let id: Int
  var member: String?
  var requests = 0
}

/// Answers request lines: decodes the text or JSON-RPC form, checks authentication and roles,
/// runs the command tree's `execute` on a thread pool (commands do blocking file I/O, which must
/// not stall the event loops or the cooperative pool), and encodes one JSON-RPC response line.
struct RequestRouter: Sendable {
  let root: Root
  let pool: NIOThreadPool
  let logger: Logger

  /// The response line(s) for one request line.
  func respond(to line: [UInt8], session: inout Session) async -> [UInt8] {
    session.requests += 1
    guard let text = String(validating: line, as: UTF8.self) else {
      return WireResponse.line(WireResponse.error(id: .null, WireError(.invalidRequest, "the request is not valid UTF-8")))
    }
    if text.utf8.contains(0) {
      return WireResponse.line(WireResponse.error(id: .null, WireError(.invalidRequest, "the request contains a NUL byte")))
    }
    let trimmed = text.drop { $0 == " " || $0 == "\t" || $0 == "\r" }
    switch trimmed.first {
    case "{", "[":
      let json: JSONValue
      do { json = try JSONValue.parse(Array(trimmed.utf8)) } catch {
        return WireResponse.line(WireResponse.error(id: .null, WireError(.parseError, "not JSON: \(error.reason)")))
      }
      if case .array(let batch) = json {
        guard !batch.isEmpty else {
          return WireResponse.line(WireResponse.error(id: .null, WireError(.invalidRequest, "an empty batch")))
        }
        var answers: [JSONValue] = []
        for element in batch { answers.append(await answer(element, session: &session)) }
        return WireResponse.line(.array(answers))
      }
      return WireResponse.line(await answer(json, session: &session))
    default:
      let id = JSONValue.int(session.requests)
      do {
        let words = try ShellWords.split(String(trimmed))
        return WireResponse.line(await run(WireRequest(id: id, words: words), session: &session))
      } catch {
        return WireResponse.line(WireResponse.error(id: id, WireError(.invalidRequest, error.message)))
      }
    }
  }

  /// The response to one JSON-RPC request object.
  private func answer(_ json: JSONValue, session: inout Session) async -> JSONValue {
    guard case .object(let fields) = json else {
      return WireResponse.error(id: .null, WireError(.invalidRequest, "a request must be a JSON-RPC 2.0 object"))
    }
    let id: JSONValue
    switch fields["id"] {
    case nil, .null?: id = .null
    case .string?, .int?: id = fields["id"]!
    default: return WireResponse.error(id: .null, WireError(.invalidRequest, "\"id\" must be text, an integer or null"))
    }
    guard fields["jsonrpc"] == .string("2.0") else {
      return WireResponse.error(id: id, WireError(.invalidRequest, "\"jsonrpc\" must be \"2.0\""))
    }
    guard let method = fields["method"]?.stringValue else {
      return WireResponse.error(id: id, WireError(.invalidRequest, "\"method\" must be text, e.g. \"status\" or \"lead.member.list\""))
    }
    if let extra = fields.keys.first(where: { !["jsonrpc", "id", "method", "params"].contains($0) }) {
      return WireResponse.error(id: id, WireError(.invalidRequest, "unknown member \"\(extra)\" in the request"))
    }
    do {
      let words = method == "auth" ? ["auth"] + (fields["params"]?["token"]?.stringValue.map { [$0] } ?? [])
        : try WireDecoder.words(method: method, params: fields["params"])
      return await run(WireRequest(id: id, words: words), session: &session)
    } catch {
      return WireResponse.error(id: id, error)
    }
  }

  /// Runs one decoded request.
  private func run(_ request: WireRequest, session: inout Session) async -> JSONValue {
    let start = ContinuousClock.now
    let words = request.words
    var path = "-"
    let response: JSONValue
    do {
      let answer = try await dispatch(words, member: session.member)
      path = answer.path
      if let member = answer.authenticated { session.member = member }
      response = WireResponse.result(id: request.id, answer.result)
    } catch {
      path = commandPath(words)
      response = WireResponse.error(id: request.id, (error as? WireError) ?? WireError(.internalError, "internal error: \(error)"))
    }
    let elapsed = ContinuousClock.now - start
    var metadata: Logger.Metadata = [
      "connection": "\(session.id)", "member": "\(session.member ?? "-")", "command": "\(path)",
      "ms": "\(Self.milliseconds(elapsed))",
    ]
    metadata["outcome"] = response["error"].map { "error \($0["code"]?.intValue ?? 0)" } ?? "ok"
    logger.info("request", metadata: metadata)
    return response
  }

  /// A duration in milliseconds with two decimals, for the log (without Foundation's
  /// `String(format:)`, which costs more than some requests).
  static func milliseconds(_ duration: Duration) -> String {
    let hundredths = duration.components.seconds * 100_000 + duration.components.attoseconds / 10_000_000_000_000
    let fraction = hundredths % 100
    return "\(hundredths / 100).\(fraction < 10 ? "0" : "")\(fraction)"
  }

  /// The command path a request names, for the log (never its arguments: they may hold a token).
  private func commandPath(_ words: [String]) -> String {
    var names: [String] = []
    var command: any ParsableCommand.Type = Mlw.self
    for word in words {
      guard let next = command.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
      names.append(word)
      command = next
    }
    if names.isEmpty, let first = words.first, ["auth", "ping", "help"].contains(first) { return first }
    return names.isEmpty ? "?" : names.joined(separator: " ")
  }

  /// The command path run and its result; `authenticated` is set by a successful `auth`.
  private func dispatch(_ words: [String], member current: String?) async throws -> (path: String, result: JSONValue, authenticated: String?) {
    guard let first = words.first else { throw WireError(.invalidRequest, "an empty request; send 'help' for the commands") }
    switch first {
    case "ping":
      return ("ping", .object(["pong": .bool(true)]), nil)
    case "help":
      return ("help", .object(["help": .string(help(Array(words.dropFirst()))), "commands": .array(Self.catalog())]), nil)
    case "auth":
      guard words.count == 2 else { throw WireError(.invalidParams, "send 'auth TOKEN' (JSON-RPC: method \"auth\", params {\"token\": …})") }
      let token = words[1]
      let root = self.root
      let member: String? = try await onPool { () throws -> String? in try root.person(forToken: token) }
      guard let member else {
        throw WireError(.authenticationFailed, "the token is not valid; a lead issues a new one (mlw lead member rotate-token NAME)")
      }
      return ("auth", .object(["member": .string(member)]), member)
    default:
      break
    }
    guard let member = current else {
      throw WireError(.unauthenticated, "authenticate first: send 'auth TOKEN' (only auth, ping and help are answered before)")
    }
    let (path, access, arguments) = try Self.resolve(words, member: member)
    let workspace = Self.workspaceArgument(arguments)
    let root = self.root
    let result: JSONValue = try await onPool { () throws -> JSONValue in
      try Self.runCommand(words, path: path, access: access, workspace: workspace, member: member, root: root)
    }
    return (path, result, nil)
  }

  /// Finds the command the words name, before parsing anything: the role check comes first, so
  /// a member learns nothing about a command they may not run. Refuses groups, admin commands,
  /// --as and --root.
  private static func resolve(_ words: [String], member: String) throws -> (path: String, access: Access, arguments: [String]) {
    var type: any ParsableCommand.Type = Mlw.self
    var names: [String] = []
    for word in words {
      guard let next = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
      names.append(word)
      type = next
    }
    let path = names.joined(separator: " ")
    guard !names.isEmpty else { throw WireError(.methodNotFound, "unknown command '\(words[0])'; send 'help' for the commands") }
    guard let access = Self.access(of: type) else {
      if type.configuration.subcommands.isEmpty {
        throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
      }
      let children = type.configuration.subcommands.map { $0._commandName }.joined(separator: ", ")
      throw WireError(.methodNotFound, "'\(path)' is a group of commands: \(children)")
    }
    if case .admin = access {
      throw WireError(.methodNotFound, "'\(path)' is not available over the server; run it on the server's machine")
    }
    let arguments = Array(words.dropFirst(names.count))
    for word in arguments {
      if word == "--as" || word.hasPrefix("--as=") {
        throw WireError(.invalidParams, "--as is not accepted over the server: the connection acts as \(member)")
      }
      if word == "--root" || word.hasPrefix("--root=") {
        throw WireError(.invalidParams, "--root is not accepted over the server: it serves one root")
      }
    }
    return (path, access, arguments)
  }

  /// Every command of the tree with its JSON-RPC method and who may run it over the server:
  /// `open` (any authenticated member), `member` (members of the workspace), `roles` (with the
  /// roles), `local` (not over the server).
  static func catalog() -> [JSONValue] {
    var result: [JSONValue] = []
    func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
      let children = type.configuration.subcommands
      if children.isEmpty, !path.isEmpty {
        var entry: [String: JSONValue] = ["path": .string(path.joined(separator: " ")), "method": .string(path.joined(separator: "."))]
        switch access(of: type) {
        case .open?: entry["access"] = .string("open")
        case .member?: entry["access"] = .string("member")
        case .roles(let roles)?:
          entry["access"] = .string("roles")
          entry["roles"] = .array(roles.map { .string($0.rawValue) })
        case .admin?, nil: entry["access"] = .string("local")
        }
        result.append(.object(entry))
      }
      for child in children { walk(child, path + [child._commandName]) }
    }
    walk(Mlw.self, [])
    return result
  }

  /// The access a command type declares; nil for a group of commands.
  private static func access(of type: any ParsableCommand.Type) -> Access? {
    (type as? any ServedCommand.Type).map { $0.access }
  }

  /// Parses and runs a command as `member` (on a pool thread: commands block on file I/O).
  private static func runCommand(_ words: [String], path: String, access: Access, workspace: String?, member: String, root: Root) throws
    -> JSONValue
  {
    if case .roles = access, let workspace {
      _ = try root.workspace(workspace).authorize(access, identity: member)
    }
    // Parse the leaf command alone: its words are known, and the ancestors have no options.
    var leaf: any ParsableCommand.Type = Mlw.self
    for word in words {
      guard let next = leaf.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
      leaf = next
    }
    guard let served = leaf as? any MlwCommand.Type else { throw WireError(.methodNotFound, "'\(path)' cannot be run") }
    let arguments = Array(words.dropFirst(path.split(separator: " ").count))
    let command: any MlwCommand
    do { command = try PreparedCommands.shared.parse(served, arguments) } catch {
      throw parseFailure(error, path: path)
    }
    if let files = command as? any NamesFiles {
      for file in files.fileArguments { try FileConfinement.check(file, root: root.path) }
    }
    let context = try CommandContext.server(root: root, identity: member, options: command.global)
    let (json, failure) = try command.serve(context)
    if let failure {
      throw WireError(
        WireCode(failure.category), failure.message,
        data: .object(["category": .string(failure.category.rawValue), "exitCode": .int(Int(failure.category.exitCode)), "result": json]))
    }
    return json
  }

  /// The value of `--workspace`/`-w` among the arguments, if any.
  static func workspaceArgument(_ arguments: [String]) -> String? {
    for (i, word) in arguments.enumerated() {
      if (word == "--workspace" || word == "-w"), i + 1 < arguments.count { return arguments[i + 1] }
      if word.hasPrefix("--workspace=") { return String(word.dropFirst("--workspace=".count)) }
    }
    return nil
  }

  static func parseFailure(_ error: any Error, path: String) -> WireError {
    let text = Mlw.message(for: error).split(separator: "\n").first.map(String.init) ?? "\(error)"
    return WireError(.usage, "\(text) (send 'help \(path)')", data: .object(["category": .string("usage"), "exitCode": .int(2)]))
  }

  /// Help text: the list of commands, or one command's help.
  private func help(_ words: [String]) -> String {
    var type: any ParsableCommand.Type = Mlw.self
    for word in words {
      guard let next = type.configuration.subcommands.first(where: { $0._commandName == word }) else { break }
      type = next
    }
    if words.isEmpty {
      return """
        mlw serve: one request per line, the words you would type after 'mlw' (shell quoting), or JSON-RPC 2.0 \
        {"jsonrpc":"2.0","id":1,"method":"lead.member.list","params":{"workspace":"w"}}. First: auth TOKEN. \
        'help COMMAND…' shows a command's options.

        """ + Mlw.helpMessage(for: Mlw.self, columns: 100)
    }
    return Mlw.helpMessage(for: type, columns: 100)
  }

  /// Runs blocking work on the pool, mapping every error to a wire error.
  private func onPool<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
    do {
      return try await pool.runIfActive { try work() }
    } catch let error as WireError {
      throw error
    } catch let error as any CategorizedError {
      throw WireError(error)
    } catch {
      throw WireError(.internalError, "internal error: \(error)")
    }
  }
}
