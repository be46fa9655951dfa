import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Deployment {
  struct Start: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "start",
      abstract: "Deploy an approved model version to a target: all traffic, or a canary (--traffic below 100) beside what serves the rest.",
      discussion: "Refused unless the version's sign-off holds now (approved or overridden, for the evaluation, policy and gate in force).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "NAME@VERSION (or NAME@ALIAS).") var model: String
    @Option(help: "Where it is deployed, e.g. line-3.") var target: String
    @Option(help: "streaming-api, batch, on-device or browser (needed for a new target).") var form: Lifecycle.Deployment.Form?
    @Option(name: .customLong("env"), help: "KEY=VALUE of the environment (repeatable).") var env: [String] = []
    @Option(help: "The percentage of traffic, 1 to 100 (below 100: a canary).") var traffic: Int = 100
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> DeploymentOutput {
      let workspace = try context.requireWorkspace()
      var pairs: [String: String] = [:]
      for text in env {
        let (key, value) = try Run.parsePair(text, what: "--env", environment: true)
        guard pairs[key] == nil else { throw LifecycleError.invalidValue(what: "--env", reason: "'\(key)' is given twice") }
        pairs[key] = value
      }
      let stored = try workspace.startDeployment(
        model, target: target, form: form, env: pairs, traffic: traffic, actor: try context.requireActor(), message: message, now: context.now)
      return try DeploymentOutput(stored: stored, history: [], verb: stored.message, workspace: workspace)
    }
  }
}
