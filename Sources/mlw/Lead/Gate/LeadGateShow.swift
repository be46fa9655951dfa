import ArgumentParser
import Lifecycle

extension Mlw.Lead.Gate {
  struct Show: MlwCommand {
    static let configuration = CommandConfiguration(commandName: "show", abstract: "The gate in force, or the default gate.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions

    func execute(_ context: CommandContext) throws -> GateOutput {
      let (gate, version) = try context.requireWorkspace().gate()
      return GateOutput(gate: gate, version: version, verb: nil)
    }
  }
}
