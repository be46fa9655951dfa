import ArgumentParser
import Lifecycle

extension Mlw.Engineer.Run {
  struct Start: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "start",
      abstract: "Start a run pinned to a dataset version, its consensus labels now, its splits and its code.")
    static let effect = Effect.writes

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The run's id ([a-z0-9][a-z0-9._-]{0,63}); one that exists is refused.") var id: String
    @Option(help: ArgumentHelp("NAME, NAME@VERSION or NAME@sha256:HEX (default: the latest version).", valueName: "dataset"))
    var dataset: String
    @Option(help: "CSV or JSON Lines of item,split rows.") var splits: InputFile?
    @Option(help: ArgumentHelp("Draw splits by share, e.g. train=0.8,dev=0.1,test=0.1 (with --seed).", valueName: "rule"))
    var splitRule: String?
    @Option(help: "The seed of --split-rule.") var seed: UInt64?
    @Option(help: ArgumentHelp("The git commit the code is at.", valueName: "commit")) var code: String?
    @Option(help: ArgumentHelp("A git working tree to read the commit and dirty state from (command line only).", valueName: "dir"))
    var repo: String?
    @Option(name: .customLong("param"), help: ArgumentHelp("A hyperparameter, KEY=VALUE (numbers and booleans are typed).", valueName: "key=value"))
    var params: [String] = []
    @Option(name: .customLong("tag"), help: ArgumentHelp("A tag, KEY=VALUE.", valueName: "key=value")) var tags: [String] = []
    @Option(help: "The run this one continues or was derived from.") var parent: String?
    @Option(help: "How a tie in the consensus labels is settled: unresolved (left out) or schema-order.") var ties: TieRule = .unresolved
    @Option(help: "Why; recorded in the history.") var message: String?

    func execute(_ context: CommandContext) throws -> RunOutput {
      let workspace = try context.requireWorkspace()
      var splitSource: SplitSource?
      switch (splits, splitRule) {
      case (.some, .some):
        throw LifecycleError.invalidValue(what: "--splits", reason: "give --splits FILE or --split-rule RULE, not both")
      case (let file?, nil):
        if seed != nil { throw LifecycleError.invalidValue(what: "--seed", reason: "--seed goes with --split-rule") }
        splitSource = .file(path: try context.path(reading: file), given: file.given)
      case (nil, let rule?):
        guard let seed else {
          throw LifecycleError.invalidValue(what: "--split-rule", reason: "a drawn split needs --seed S, so it can be drawn again")
        }
        guard seed <= UInt64(Int.max) else {
          throw LifecycleError.invalidValue(what: "--seed", reason: "\(seed) is above 9223372036854775807; give a seed from 0 to 2^63 - 1")
        }
        splitSource = .rule(rule, seed: seed)
      case (nil, nil):
        if seed != nil { throw LifecycleError.invalidValue(what: "--seed", reason: "--seed goes with --split-rule") }
      }
      var pinnedCode: Lifecycle.Run.Code?
      switch (code, repo) {
      case (.some, .some):
        throw LifecycleError.invalidValue(what: "--code", reason: "give --code COMMIT or --repo DIR, not both")
      case (let commit?, nil):
        try Lifecycle.Run.checkCommit(commit)
        pinnedCode = Lifecycle.Run.Code(commit: commit, dirty: nil, diff: nil)
      case (nil, let folder?):
        guard context.channel == .commandLine else {
          throw FilesArea.Refusal(
            path: folder, rule: "is a folder --repo reads with git, on the command line only; over the server give --code COMMIT",
            workspace: workspace.name)
        }
        pinnedCode = try GitState.read(repo: folder)
      case (nil, nil):
        break
      }
      let (typedParams, tagValues) = try Lifecycle.Run.parsePairs(params: params, tags: tags)
      let start = RunStart(
        id: id, dataset: dataset, splits: splitSource, code: pinnedCode, params: typedParams, tags: tagValues, parent: parent, ties: ties)
      let stored = try workspace.startRun(start, actor: try context.requireActor(), message: message, now: context.now)
      return RunOutput(run: stored, metrics: [], verb: "started")
    }
  }
}
