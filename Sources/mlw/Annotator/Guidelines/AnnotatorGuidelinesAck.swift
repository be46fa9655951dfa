import ArgumentParser
import Lifecycle

extension Mlw.Annotator.Guidelines {
  struct Ack: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "ack", abstract: "Acknowledge that you read a guideline version (default: the latest).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "The version you read (default: the latest).") var version: Int?

    struct Output: CommandOutput {
      var annotator: String
      var version: Int
      func render() -> String { "\(annotator) acknowledged guidelines v\(version)\n" }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let actor = try context.requireActor()
      return Output(
        annotator: actor.name, version: try context.requireWorkspace().acknowledgeGuidelines(version: version, actor: actor, now: context.now))
    }
  }
}
