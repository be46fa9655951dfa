import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw {
  /// `mlw revert PATH --to N`: a new version whose body equals version N's.
  struct Revert: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "revert",
      abstract: "Publish a new version of a record whose body equals an older version's (history is kept).")
    static let effect = Effect.writes
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A record, such as 'workspace'.")
    var path: String

    @Option(help: "The version whose body to restore.")
    var to: Int

    @Option(help: "Why (default: 'revert to version N').")
    var message: String?

    @Option(help: "Fail unless the record is still at this version (default: the version read now).")
    var ifVersion: Int?

    func validate() throws {
      guard to >= 1 else { throw ValidationError("--to must be at least 1") }
    }

    struct Output: CommandOutput {
      var path: String
      var version: Int
      var restored: Int

      func render() -> String { "\(path) is now version \(version), with the body of version \(restored)\n" }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      let record = try RecordPath(path)
      let latest = try workspace.documents.read(record)
      let writers = RecordKinds.writers(of: latest.envelope.kind)
      guard let actor = try workspace.authorize(.roles(writers), identity: context.identity) else {
        throw LifecycleError.noIdentity
      }
      try RecordKinds.checkRevertible(latest)
      let old = try workspace.documents.read(record, version: to)
      try RecordKinds.checkReadable(latest)
      try RecordKinds.checkReadable(old)
      let draft = DocumentDraft(
        kind: old.envelope.kind, schemaVersion: old.envelope.schemaVersion, author: actor.name, role: actor.role.rawValue,
        time: context.now, message: message ?? "revert to version \(to)", body: old.envelope.body)
      let stored = try workspace.publish(record, draft, expecting: ifVersion ?? latest.envelope.version)
      return Output(path: record.description, version: stored.envelope.version, restored: to)
    }
  }
}
