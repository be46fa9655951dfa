import ArgumentParser
import Lifecycle

extension Mlw.Annotator {
  struct Next: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "next", abstract: "Show your next assigned item(s) with the guideline text for the labels.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AnnotatorOptions
    @Option(help: "How many items to show.") var count: Int = 1

    func validate() throws {
      guard (1...1000).contains(count) else { throw ValidationError("--count must be from 1 to 1000") }
    }

    struct Output: CommandOutput {
      var work: NextWork

      func encode(to encoder: any Encoder) throws { try work.encode(to: encoder) }

      func render() -> String {
        let w = work
        var text = w.notice.map { "notice: \($0)\n\n" } ?? ""
        guard !w.items.isEmpty else { return text + "\(w.dataset): all \(w.assigned) of your items are done\n" }
        text += "\(w.dataset): \(w.done) of \(w.assigned) done; guidelines v\(w.guidelinesVersion)\n"
        for item in w.items {
          text += "\nitem \(item.item) (#\(item.position), batch \(item.batch))\n"
          if let uri = item.uri { text += "  uri: \(uri)\n" }
          if let payload = item.payload {
            text += "  " + payload.canonicalString(pretty: true).split(separator: "\n").joined(separator: "\n  ") + "\n"
          }
        }
        text += "\nlabels (\(w.task.rawValue)):\n" + renderSections(w.guidelines, labels: w.labels, indent: "  ")
        let example = w.task == .multiLabel ? "LABEL[,LABEL…]" : "LABEL"
        return text + "\nsubmit: mlw annotator submit \(w.items[0].item) \(example)   skip: mlw annotator skip \(w.items[0].item) --reason TEXT\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let actor = try context.requireActor()
      try options.check(actor)
      return Output(work: try context.requireWorkspace().nextWork(dataset: options.dataset, annotator: actor.name, count: count))
    }
  }
}
