import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Baseline {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "add",
      abstract: "Record a literature, quick-and-dirty, older-system or rule-based baseline.")
    static let access = Access.roles([.engineer])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BaselineOptions

    func execute(_ context: CommandContext) throws -> BaselineOutput {
      try addBaseline(options, context, humanLevel: false)
    }
  }
}
