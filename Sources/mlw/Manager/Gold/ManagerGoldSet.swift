import ArgumentParser
import Lifecycle

extension Mlw.Manager.Gold {
  struct Set: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "set",
      abstract: "Set the gold answers from a CSV (item,label) or JSON Lines file; replaces the set. Re-assign to mix them in.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The dataset.", completion: Completions.datasets) var dataset: String
    @Argument(help: "The answers: columns item,label.") var file: InputFile
    @Option(help: "Why; recorded in the history.") var message: String?

    struct Output: CommandOutput {
      var dataset: String
      var version: Int
      var answers: Int
      func render() -> String {
        "gold answers of \(dataset) v\(version): \(answers) items; re-assign to mix them in (mlw manager assign \(dataset))\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let path = try context.path(reading: file)
      let input = try TabularInput(file: path)
      var answers: [(item: String, label: String, line: Int)] = []
      try input.forEachRow(columns: ["item", "label"]) { line, fields in
        guard let item = fields[0], !item.isEmpty, let label = fields[1], !label.isEmpty else {
          throw InputError(file: path, line: line, "give an item and a label")
        }
        answers.append((item, label, line))
      }
      let (set, version) = try context.requireWorkspace().setGold(
        dataset, answers: answers, file: file.given, actor: try context.requireActor(), message: message, now: context.now)
      return Output(dataset: dataset, version: version, answers: set.answers.count)
    }
  }
}
