import ArgumentParser
import Lifecycle

extension Mlw.Lead.Gate {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set", abstract: "Set what the gate asks; options not given keep their value. Versioned.",
      discussion: """
        Every gate asks that the evaluation on its split be eligible under the metric policy in force, every slice \
        and per-class bar met. --beat-baselines adds: beat every baseline other than human level on the policy's \
        metrics; --readiness N: an ML Test Score of at least N; --max-human-gap G: at most G below human level. \
        --tolerance T (default 0.02) is how far the policy's metric may fall in a monitoring window.
        """)
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(help: "The split whose evaluation is judged (default test).") var split: String?
    @Option(help: "The least ML Test Score, 0 to 7.") var readiness: Double?
    @Flag(help: "The model must beat every baseline other than human level (--clear beat-baselines removes it).") var beatBaselines = false
    @Option(help: "The largest gap to human level allowed, a fraction.") var maxHumanGap: Double?
    @Option(help: "How far the policy's metric may fall in production, a fraction (default 0.02).") var tolerance: Double?
    @Option(name: .customLong("clear"), help: "Remove a requirement: readiness, max-human-gap, beat-baselines (repeatable).")
    var clear: [String] = []
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> GateOutput {
      let (gate, version) = try context.requireWorkspace().setGate(
        split: split, readiness: readiness, beatBaselines: beatBaselines ? true : nil, maxHumanGap: maxHumanGap, tolerance: tolerance, clear: clear,
        actor: try context.requireActor(), message: message, now: context.now)
      return GateOutput(gate: gate, version: version, verb: "set the gate (v\(version))")
    }
  }
}
