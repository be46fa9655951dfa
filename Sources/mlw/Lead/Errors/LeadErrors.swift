import ArgumentParser

extension Mlw.Lead {
  /// `mlw lead errors …` and `mlw sme errors …`: the error analysis, to read.
  struct Errors: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "errors", abstract: "Read a run's error analysis.", subcommands: [Mlw.Engineer.Errors.Report.self])
  }
}
