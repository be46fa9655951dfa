import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Baseline {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record a literature, quick-and-dirty, older-system or rule-based baseline.")
    static let access = Access.roles([.engineer])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BaselineOptions

    func execute(_ context: CommandContext) async throws -> BaselineOutput {
      let baseline = try options.baseline(now: context.now)
      guard baseline.type != .humanLevel else {
        throw LifecycleError.invalidValue(
          what: "--type", reason: "human-level baselines are the SME's to record (mlw sme baseline add)")
      }
      return BaselineOutput(
        stored: try context.requireWorkspace().recordBaseline(
          options.id, baseline, actor: try context.requireActor(), message: options.message, ifVersion: options.ifVersion, now: context.now))
    }
  }
}
