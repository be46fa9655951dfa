import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Monitor {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "A target's windows over time with each figure and threshold, the KPI, and the alerts with the loop each names.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The deployment target.") var target: String

    func execute(_ context: CommandContext) throws -> MonitorOutput { MonitorOutput(state: try context.requireWorkspace().monitorState(target)) }
  }
}
