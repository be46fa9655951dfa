import ArgumentParser
import Lifecycle

extension Mlw.Lead.MetricPolicy {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Publish a new version of the metric policy: candidates, the single-number rule, slice and rare-class bars.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: MetricPolicySetOptions

    func execute(_ context: CommandContext) throws -> MetricPolicyOutput { try MetricPolicyCommands.set(options, context) }
  }
}
