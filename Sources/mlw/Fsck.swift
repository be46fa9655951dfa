import ArgumentParser
import Lifecycle
import VersionedStore

extension Mlw {
  /// `mlw fsck [--repair]`: check every stored file; repair crash artifacts.
  struct Fsck: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "fsck",
      abstract: "Check every stored file (versions, hash chains, logs, journal); --repair removes crash artifacts.",
      discussion: "Exits 1 when a problem is left; --repair never touches a file that holds data.")
    static let effect = Effect.reads
    static let reach = Reach.local

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Truncate torn log tails, delete stray temp files, add missing journal lines.")
    var repair = false

    struct Output: CommandOutput {
      var root: String
      var report: FsckReport

      func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(root, forKey: .root)
        try container.encode(report.records, forKey: .records)
        try container.encode(report.versions, forKey: .versions)
        try container.encode(report.logs, forKey: .logs)
        try container.encode(report.events, forKey: .events)
        try container.encode(report.findings, forKey: .findings)
        try container.encode(report.notes, forKey: .notes)
        try container.encode(report.unrepaired.isEmpty, forKey: .ok)
      }

      enum CodingKeys: String, CodingKey { case root, records, versions, logs, events, findings, notes, ok }

      func render() -> String {
        var text = "checked \(report.records) records (\(report.versions) versions) and \(report.logs) logs (\(report.events) events) under \(root)\n"
        for note in report.notes { text += "note: \(note)\n" }
        if report.findings.isEmpty { return text + "no problems found\n" }
        for finding in report.findings {
          let state = finding.repaired.map { "repaired: \($0)" } ?? finding.severity.rawValue
          text += "\(finding.file): \(finding.problem) [\(state)]\n"
        }
        let left = report.unrepaired.count
        if left > 0 {
          let corrupt = report.corrupt.count
          text += "\(left) problem(s) left"
          text += corrupt > 0 ? "; \(corrupt) corrupt file(s) need restoring from git or a backup\n" : "; run 'mlw fsck --repair'\n"
        }
        return text
      }

      var failure: (any CategorizedError)? {
        report.unrepaired.isEmpty ? nil : FsckFailed(count: report.unrepaired.count)
      }
    }

    struct FsckFailed: CategorizedError {
      var count: Int
      var category: ErrorCategory { .checkFailed }
      var message: String { "fsck found \(count) problem(s)" }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let report = try context.root.fsck(workspace: context.workspaceName, repair: repair)
      return Output(root: context.workspaceName.map { context.root.path + "/" + $0 } ?? context.root.path, report: report)
    }
  }
}
