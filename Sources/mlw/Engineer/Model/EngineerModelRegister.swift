import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Model {
  struct Register: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "register",
      abstract: "Register the next version of a model from a finished run: its artifact's hash, its evaluations, a model card.",
      discussion: """
        The card has the sections of Mitchell et al. 2019. Give them as options or in --card FILE, a JSON object with \
        the keys details, intendedUse, outOfScope, factors, metrics, evaluationData, trainingData, ethicalConsiderations \
        and caveats (each a string); an option overrides the file. Training data, evaluation data and metrics are filled \
        from the run and the metric policy when not given.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The model's name, e.g. defects.") var name: String
    @Option(help: "The finished run it comes from.") var run: String
    @Option(help: "The run's artifact that is the model (default: its only one).") var artifact: String?
    @Option(help: "The model card as JSON (see the discussion).") var card: InputFile?
    @Option(help: "Model details: who built it, version, type.") var details: String?
    @Option(help: "What it is for, and for whom.") var intendedUse: String?
    @Option(help: "Uses it is not for.") var outOfScope: String?
    @Option(help: "Groups, instruments, environments its performance may vary over.") var factors: String?
    @Option(help: "Ethical considerations.") var ethicalConsiderations: String?
    @Option(help: "Caveats and recommendations.") var caveats: String?
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> ModelOutput {
      let workspace = try context.requireWorkspace()
      var model = try card.map { try ModelCard(file: try context.path(reading: $0), given: $0.given) } ?? ModelCard()
      let given: [(String?, WritableKeyPath<ModelCard, String?>, String)] = [
        (details, \.details, "--details"), (intendedUse, \.intendedUse, "--intended-use"), (outOfScope, \.outOfScope, "--out-of-scope"),
        (factors, \.factors, "--factors"), (ethicalConsiderations, \.ethicalConsiderations, "--ethical-considerations"),
        (caveats, \.caveats, "--caveats"),
      ]
      for (text, path, option) in given {
        guard let text else { continue }
        model[keyPath: path] = try ModelCard.checked(text, what: option)
      }
      let stored = try workspace.registerModel(
        name, run: run, artifact: artifact, card: model, actor: try context.requireActor(), message: message, now: context.now)
      return ModelOutput(stored: stored, approval: try workspace.approval(stored.reference), verb: "registered")
    }
  }
}
