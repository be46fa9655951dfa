import ArgumentParser
import Lifecycle

extension Mlw.Sme.Baseline {
  struct Add: MlwCommand {
    static let configuration = CommandConfiguration(
      abstract: "Record a human-level baseline: its quality-ladder step, how it was measured, its figures.")
    static let access = Access.roles([.sme])

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: BaselineOptions

    func execute(_ context: CommandContext) async throws -> BaselineOutput {
      let baseline = try options.baseline(now: context.now)
      guard baseline.type == .humanLevel else {
        throw LifecycleError.invalidValue(
          what: "--type", reason: "the SME records human-level baselines; an engineer records \(baseline.type.rawValue) ones (mlw engineer baseline add)")
      }
      return BaselineOutput(
        stored: try context.requireWorkspace().recordBaseline(
          options.id, baseline, actor: try context.requireActor(), message: options.message, ifVersion: options.ifVersion, now: context.now))
    }
  }
}
