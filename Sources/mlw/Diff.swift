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

      func render() -> String {
        let text = "\(path): version \(from.version) (\(from.author), \(from.message)) -> version \(to.version) (\(to.author), \(to.message))\n"
        guard !changes.isEmpty else { return text + "no changes in the body\n" }
        var table = TextTable(["FIELD", "OLD", "NEW"])
        func show(_ value: JSONValue?) -> String {
          guard let value else { return "(absent)" }
          let text = value.canonicalString(pretty: false)
          return text.count > 60 ? String(text.prefix(57)) + "..." : text
        }
        for change in changes { table.add([change.path, show(change.old), show(change.new)]) }
        return text + table.render()
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
        changes: JSONValue.changes(from: old.body, to: new.body))
    }
  }
}
