import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Log: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "log",
      abstract: "Log metric points to a running run: --metric NAME=VALUE …, or a JSON Lines --file, in one batch.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run.") var id: String
    @Option(name: .customLong("metric"), help: ArgumentHelp("A point, NAME=VALUE (NaN, Infinity, -Infinity are kept).", valueName: "name=value"))
    var metrics: [String] = []
    @Option(help: "The step of the --metric points (0 or more).") var step: Int?
    @Option(help: "The split of the --metric points (the metric is then named SPLIT.NAME).") var split: String?
    @Option(help: "JSON Lines of {\"metric\",\"value\",\"step\",\"split\",\"time\"}.") var file: InputFile?

    func execute(_ context: CommandContext) throws -> RunLogOutput {
      let workspace = try context.requireWorkspace()
      var points: [MetricInput] = []
      if let file {
        guard metrics.isEmpty, step == nil, split == nil else {
          throw LifecycleError.invalidValue(what: "--file", reason: "give --file, or --metric with --step and --split, not both")
        }
        points = try MetricInput.read(file: try context.path(reading: file), given: file.given)
      } else {
        guard !metrics.isEmpty else { throw LifecycleError.invalidValue(what: "run log", reason: "give --metric NAME=VALUE or --file FILE") }
        if let step, step < 0 { throw LifecycleError.invalidValue(what: "--step", reason: "\(step) is below 0") }
        if let split { try Lifecycle.Run.checkSplit(split) }
        for text in metrics {
          guard let equals = text.lastIndex(of: "=") else {
            throw LifecycleError.invalidValue(what: "--metric", reason: "'\(text)' is not NAME=VALUE, e.g. loss=0.31")
          }
          let name = String(text[..<equals])
          try MetricPoint.checkName(name, what: "--metric")
          let value = try MetricValue.parse(String(text[text.index(after: equals)...]), what: "--metric \(name)")
          points.append(MetricInput(point: MetricPoint(metric: name, value: value, step: step, split: split), time: nil))
        }
      }
      let count = try workspace.logMetrics(id, points, actor: try context.requireActor(), now: context.now)
      return RunLogOutput(run: id, points: count, metrics: Set(points.map(\.point.name)).sorted())
    }
  }
}
