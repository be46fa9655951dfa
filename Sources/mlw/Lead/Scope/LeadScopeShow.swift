import ArgumentParser
import Lifecycle

extension Mlw.Lead.Scope {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "show", abstract: "Show the scope and what it still lacks.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> ScopeOutput {
      let (scope, version) = try context.requireWorkspace().scope()
      return ScopeOutput(version: version, scope: scope)
    }
  }
}
