import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw {
  /// `mlw show PATH [--version N]`: one version of a record, envelope and body.
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show a record (the latest version, or --version N).")
    static let effect = Effect.reads
    static let reach = Reach.members

    @OptionGroup var global: GlobalOptions

    @Argument(help: "A record, such as 'workspace' or 'runs/r1'.")
    var path: String

    @Option(help: "Show this version instead of the latest.")
    var version: Int?

    func validate() throws {
      if let version, version < 1 { throw ValidationError("--version must be at least 1") }
    }

    struct Output: CommandOutput {
      var path: String
      var latest: Int
      var envelope: Envelope

      func encode(to encoder: any Encoder) throws {
        var fields = envelope.json.objectValue ?? [:]
        fields["path"] = .string(path)
        fields["latestVersion"] = .int(latest)
        try JSONValue.object(fields).encode(to: encoder)
      }

      func render() -> String {
        let latestNote = envelope.version == latest ? "latest" : "latest is \(latest)"
        return """
          \(path)  version \(envelope.version) (\(latestNote))  kind \(envelope.kind) (schema \(envelope.schemaVersion))
          by \(envelope.author) (\(envelope.role)) at \(shortTime(envelope.time)): \(envelope.message)

          """ + envelope.body.canonicalString(pretty: true)
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let workspace = try context.requireWorkspace()
      let record = try RecordPath(path)
      let stored = try workspace.documents.read(record, version: version)
      try RecordKinds.checkReadable(stored)
      try RecordKinds.checkMayRead(stored, identity: context.identity, in: workspace)
      return Output(path: record.description, latest: try workspace.documents.latestVersion(of: record), envelope: stored.envelope)
    }
  }
}
