import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw {
  /// `mlw diff PATH A B`: what changed in a record between two versions.
  struct Diff: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "diff",
      abstract: "Show the fields of a record that changed from version A to version B, with old and new values.")
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A record, such as 'workspace'.")
    var path: String

    @Argument(help: "The older version.")
    var from: Int

    @Argument(help: "The newer version.")
    var to: Int

    @Flag(help: "Print whole values, each change as a block, instead of a table cut at 60 characters a value.")
    var full = false

    func validate() throws {
      guard from >= 1, to >= 1 else { throw ValidationError("versions start at 1") }
    }

    struct Side: Encodable {
      var version: Int
      var author: String
      var role: String
      var time: String
      var message: String

      init(_ envelope: Envelope) {
        version = envelope.version
        author = envelope.author
        role = envelope.role
        time = Timestamp.format(envelope.time)
        message = envelope.message
      }
    }

    struct Output: CommandOutput {
      var path: String
      var from: Side
      var to: Side
      var changes: [JSONChange]
      /// Text only: whole values (`--full`); the JSON always holds them whole.
      var full = false

      enum CodingKeys: String, CodingKey { case path, from, to, changes }

      func render() -> String {
        var text = "\(path): version \(from.version) (\(from.author), \(from.message)) -> version \(to.version) (\(to.author), \(to.message))\n"
        guard !changes.isEmpty else { return text + "no changes in the body\n" }
        func whole(_ value: JSONValue?) -> String { value.map { $0.canonicalString(pretty: false) } ?? "(absent)" }
        if full {
          for change in changes {
            text += "\(change.path)\n  old: \(whole(change.old))\n  new: \(whole(change.new))\n"
          }
          return text
        }
        var table = TextTable(["FIELD", "OLD", "NEW"])
        var cut = false
        func show(_ value: JSONValue?) -> String {
          let text = whole(value)
          guard text.count > 60 else { return text }
          cut = true
          return String(text.prefix(57)) + "..."
        }
        for change in changes { table.add([change.path, show(change.old), show(change.new)]) }
        return text + table.render() + (cut ? "values cut at 60 characters; --full prints them whole\n" : "")
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      let record = try RecordPath(path)
      let oldStored = try workspace.documents.read(record, version: from)
      let newStored = try workspace.documents.read(record, version: to)
      try RecordKinds.checkMayRead(newStored, identity: context.identity, in: workspace)
      try RecordKinds.checkReadable(oldStored)
      try RecordKinds.checkReadable(newStored)
      let (old, new) = (oldStored.envelope, newStored.envelope)
      return Output(
        path: record.description, from: Side(old), to: Side(new),
        changes: JSONValue.changes(from: old.body, to: new.body), full: full)
    }
  }
}
