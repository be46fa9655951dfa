import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Artifact: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "artifact",
      abstract: "Add a file the run produced: stored once by its SHA-256, or --uri U --sha256 H for a file kept elsewhere.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Argument(help: "The file to store (omit with --uri).") var file: InputFile?
    @Option(help: "The artifact's name in the run (default: the file's name).") var name: String?
    @Option(help: "Where a file kept outside mlw is.") var uri: String?
    @Option(help: "The SHA-256 of a file kept elsewhere, sha256:<hex>.") var sha256: String?

    func execute(_ context: CommandContext) throws -> RunArtifactOutput {
      let workspace = try context.requireWorkspace()
      let actor = try context.requireActor()
      if let file {
        guard uri == nil, sha256 == nil else {
          throw LifecycleError.invalidValue(what: "--uri", reason: "give a FILE to store, or --uri and --sha256, not both")
        }
        let (run, artifact) = try workspace.addArtifact(
          id, name: name, file: try context.path(reading: file), given: file.given, actor: actor, now: context.now)
        return RunArtifactOutput(run: run.id, version: run.version, artifact: artifact)
      }
      guard let uri, let sha256 else { throw LifecycleError.invalidValue(what: "run artifact", reason: "give a FILE, or --uri U --sha256 H") }
      guard let name else { throw LifecycleError.invalidValue(what: "--name", reason: "a file kept elsewhere needs --name") }
      let (run, artifact) = try workspace.addArtifact(id, name: name, bytes: nil, uri: uri, sha256: sha256, actor: actor, now: context.now)
      return RunArtifactOutput(run: run.id, version: run.version, artifact: artifact)
    }
  }
}
