import ArgumentParser
import Lifecycle

extension Mlw.Annotator {
  struct Mine: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "mine", abstract: "Your own figures: labels, agreement with the others, accuracy on gold checks.")
    static let effect = Effect.reads

    @OptionGroup var global: GlobalOptions
    @OptionGroup var options: AnnotatorOptions

    struct Output: CommandOutput {
      var summary: AnnotatorSummary

      func encode(to encoder: any Encoder) throws { try summary.encode(to: encoder) }

      func render() -> String {
        let s = summary
        var table = TextTable(["", ""], alignments: [.left, .right])
        table.add(["labelled", "\(s.labelled) of \(s.assigned)"])
        table.add(["skipped", String(s.skipped)])
        table.add(["items also labelled by others", String(s.sharedItems)])
        table.add(["agreement with the others", percent(s.agreementWithOthers)])
        table.add(["mean pairwise Cohen's kappa", TextTable.cell(s.meanPairwiseKappa)])
        table.add(["complete batches", "\(s.completeBatches) of \(s.batches)"])
        table.add(["gold checks in complete batches", String(s.goldAnswered)])
        table.add(["accuracy on gold", percent(s.goldAccuracy)])
        return "\(s.annotator) in \(s.dataset)\n" + table.render().split(separator: "\n").dropFirst().joined(separator: "\n") + "\n"
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let actor = try context.requireActor()
      try options.check(actor)
      return Output(summary: try context.requireWorkspace().annotatorSummary(dataset: options.dataset, annotator: actor.name))
    }
  }
}
