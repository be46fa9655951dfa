import ArgumentParser
import Lifecycle

extension Mlw.Lead.Readiness {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set", abstract: "Record tests as not-done, manual (0.5) or automated (1), with evidence.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Option(name: .customLong("test"), help: "ID=STATUS, e.g. infrastructure.1=automated (repeatable).") var tests: [String] = []
    @Option(name: .customLong("evidence"), help: "ID=TEXT: where the result is written down (repeatable).") var evidence: [String] = []
    @Option(help: "Why; recorded in the history.") var message: String?
    @Option(help: "Fail unless readiness is still at this version.") var ifVersion: Int?

    func execute(_ context: CommandContext) throws -> ReadinessOutput {
      func pairs(_ texts: [String], _ what: String) throws -> [String: String] {
        var result: [String: String] = [:]
        for text in texts {
          let parts = text.split(separator: "=", maxSplits: 1).map(String.init)
          guard parts.count == 2 else { throw LifecycleError.invalidValue(what: what, reason: "'\(text)' is not ID=VALUE") }
          result[parts[0]] = parts[1]
        }
        return result
      }
      let statuses = try pairs(tests, "--test")
      let notes = try pairs(evidence, "--evidence")
      if let orphan = notes.keys.first(where: { statuses[$0] == nil }) {
        throw LifecycleError.invalidValue(what: "--evidence", reason: "'\(orphan)' has evidence but no --test \(orphan)=STATUS")
      }
      let changes = statuses.mapValues { Readiness.Entry(status: $0, evidence: nil) }
        .reduce(into: [String: Readiness.Entry]()) { $0[$1.key] = .init(status: $1.value.status, evidence: notes[$1.key]) }
      let (record, version) = try context.requireWorkspace().setReadiness(
        changes, actor: try context.requireActor(), message: message, ifVersion: ifVersion, now: context.now)
      return ReadinessOutput(version: version, readiness: record)
    }
  }
}
