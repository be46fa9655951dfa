import ArgumentParser
import Lifecycle

extension Mlw.Sme.Goal {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set", abstract: "Set the business goal, its KPI, the target and the date (part of the scope).")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "The business goal.") var business: String
    @Option(help: "The KPI that measures it.") var kpi: String
    @Option(help: "The KPI's target value.") var target: String
    @Option(help: "The date to reach it, YYYY-MM-DD.") var by: String
    @Option(help: "Why; recorded in the history.") var message: String?
    @Option(help: "Fail unless the scope is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> ScopeOutput {
      for (name, value) in [("--business", business), ("--kpi", kpi), ("--target", target)]
      where value.trimmingCharacters(in: .whitespaces).isEmpty {
        throw LifecycleError.invalidValue(what: name, reason: "it is empty")
      }
      let (scope, version) = try context.requireWorkspace().updateScope(
        actor: try context.requireActor(), message: message ?? "business goal: \(kpi) \(target) by \(by)", ifVersion: ifVersion,
        now: context.now
      ) { scope in
        scope.goal = .init(business: business, kpi: kpi, target: target, by: by)
      }
      return ScopeOutput(version: version, scope: scope)
    }
  }
}
