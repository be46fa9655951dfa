import ArgumentParser

extension Mlw.Engineer {
  /// `mlw engineer errors …`: error analysis, Ng's procedure.
  struct Errors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "errors",
      abstract: "Error analysis: draw a sample to look at, tag it, and rank the tags by what fixing them could gain.",
      subcommands: [Sample.self, Import.self, Tag.self, Report.self])
  }
}
