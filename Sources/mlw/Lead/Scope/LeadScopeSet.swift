import ArgumentParser
import Lifecycle

extension Mlw.Lead.Scope {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Set fields of the scope; fields not given keep their values (the business goal is the SME's: mlw sme goal set).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "The problem statement.") var problem: String?
    @Option(help: "software-2.0, human-in-the-loop or autonomous.") var archetype: String?
    @Option(help: "supervised, unsupervised, semi-supervised, weakly-supervised or reinforcement.") var learningType: String?
    @Option(help: "discriminative or generative.") var approach: String?
    @Option(help: "vision, language, speech, recommendation, time-series or anomaly-detection.") var domain: String?
    @Option(help: "structured, semi-structured or unstructured.") var dataForm: String?
    @Option(help: "Where the design ladder starts: rule-based, simple-staged-model or end-to-end-model.") var designStage: String?
    @Option(help: "server-streaming, server-batch, on-device or browser.") var deployment: String?
    @Option(help: "Latency constraint, e.g. '< 200 ms per board'.") var latency: String?
    @Option(help: "Compute available at inference.") var inferenceCompute: String?
    @Option(help: "Privacy constraints.") var privacy: String?
    @Option(name: .customLong("success"), help: "A success criterion (repeatable; replaces the list).") var success: [String] = []
    @Option(name: .customLong("milestone"), help: "A milestone as 'YYYY-MM-DD name' (repeatable; replaces the list).")
    var milestones: [String] = []
    @Option(help: "Why; recorded in the history.") var message: String?
    @Option(help: "Fail unless the scope is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> ScopeOutput {
      let milestones = try self.milestones.map { text -> Lifecycle.Scope.Milestone in
        let parts = text.split(separator: " ", maxSplits: 1).map(String.init)
        guard parts.count == 2, !parts[1].trimmingCharacters(in: .whitespaces).isEmpty else {
          throw LifecycleError.invalidValue(what: "--milestone", reason: "'\(text)' is not 'YYYY-MM-DD name'")
        }
        return .init(name: parts[1], date: parts[0])
      }
      let (scope, version) = try context.requireWorkspace().updateScope(
        actor: try context.requireActor(), message: message ?? "update the scope", ifVersion: ifVersion, now: context.now
      ) { scope in
        if let problem { scope.problem = problem }
        if let archetype { scope.archetype = archetype }
        if let learningType { scope.learningType = learningType }
        if let approach { scope.approach = approach }
        if let domain { scope.domain = domain }
        if let dataForm { scope.dataForm = dataForm }
        if let designStage { scope.designStage = designStage }
        if let deployment { scope.deployment.form = deployment }
        if let latency { scope.deployment.latency = latency }
        if let inferenceCompute { scope.deployment.inferenceCompute = inferenceCompute }
        if let privacy { scope.deployment.privacy = privacy }
        if !success.isEmpty { scope.successCriteria = success }
        if !milestones.isEmpty { scope.milestones = milestones }
        if scope.problem == nil {
          throw LifecycleError.invalidValue(what: "scope", reason: "the first version needs --problem")
        }
      }
      return ScopeOutput(version: version, scope: scope)
    }
  }
}
