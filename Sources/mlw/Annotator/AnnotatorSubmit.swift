import ArgumentParser
import Lifecycle

extension Mlw.Annotator {
  struct Submit: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "submit",
      abstract: "Label an item assigned to you; a re-submission replaces your earlier label, which stays in history.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AnnotatorOptions
    @Argument(help: "The item.") var item: String
    @Argument(help: "The label (LABEL,LABEL for a multi-label task).") var label: String

    func execute(_ context: CommandContext) throws -> SubmittedOutput {
      let actor = try context.requireActor()
      try options.check(actor)
      return SubmittedOutput(
        submitted: try context.requireWorkspace().submit(
          dataset: options.dataset, item: item, label: label, skip: nil, actor: actor, now: context.now))
    }
  }
}
