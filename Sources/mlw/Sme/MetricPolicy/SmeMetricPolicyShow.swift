import ArgumentParser
import Lifecycle

extension Mlw.Sme.MetricPolicy {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the current metric policy.")
    static let access = Access.roles([.sme])

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> MetricPolicyOutput { try MetricPolicyCommands.show(context) }
  }
}
