import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct List: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "list",
      abstract: "List runs, newest first: --filter \"metrics.dev.f1 > 0.8 and params.lr in (0.001, 0.0003)\", --sort, --limit.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @Option(help: "Which runs (the grammar is in the README).") var filter: String?
    @Option(help: ArgumentHelp("A field to order by, best first for a metric; FIELD:asc or FIELD:desc to say.", valueName: "field"))
    var sort: String?
    @Option(help: "At most this many runs (1 or more).") var limit: Int?

    func execute(_ context: CommandContext) throws -> RunListOutput {
      let parsed = try filter.map(RunFilter.parse)
      let order = try sort.map(RunSort.parse)
      if let limit, limit < 1 { throw LifecycleError.invalidValue(what: "--limit", reason: "\(limit) is below 1") }
      let listing = try context.requireWorkspace().listRuns(filter: parsed, sort: order, limit: limit)
      var shown = (parsed?.fields ?? []) + (order.map { [$0.field] } ?? [])
      shown = shown.filter { $0.hasPrefix("metrics.") }.map { String($0.dropFirst(8)) }
      return RunListOutput(listing: listing, metricColumns: shown)
    }
  }
}
