import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Model {
  struct Alias: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "alias", abstract: "Point an alias (champion, challenger, …) at one version of a model; moving it is recorded.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION.") var model: String
    @Argument(help: "The alias, e.g. champion.") var alias: String
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> ModelOutput {
      let workspace = try context.requireWorkspace()
      let (stored, moved) = try workspace.setModelAlias(model, alias: alias, actor: try context.requireActor(), message: message, now: context.now)
      let verb = moved.map { "moved \(alias) from \(stored.name)@\($0) to" } ?? "pointed \(alias) at"
      return ModelOutput(stored: stored, approval: try workspace.approval(stored.reference), verb: verb)
    }
  }
}
