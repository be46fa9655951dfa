import ArgumentParser
import Lifecycle

extension Mlw.Lead.MetricPolicy {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the current metric policy.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> MetricPolicyOutput { try MetricPolicyCommands.show(context) }
  }
}
