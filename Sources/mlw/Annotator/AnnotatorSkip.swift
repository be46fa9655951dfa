import ArgumentParser
import Lifecycle

extension Mlw.Annotator {
  struct Skip: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "skip", abstract: "Skip an item assigned to you, saying why (the manager sees the reason).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AnnotatorOptions
    @Argument(help: "The item.") var item: String
    @Option(help: "Why you skip it.") var reason: String

    func execute(_ context: CommandContext) throws -> SubmittedOutput {
      let actor = try context.requireActor()
      try options.check(actor)
      return SubmittedOutput(
        submitted: try context.requireWorkspace().submit(
          dataset: options.dataset, item: item, label: nil, skip: reason, actor: actor, now: context.now))
    }
  }
}
