import ArgumentParser

/// The root of the command tree: `mlw <role> <noun> <verb>`, role-free reads, and admin.
struct Mlw: AsyncParsableCommand {
  /// What `mlw --version` prints; raised with each release (the stored formats have their own
  /// schema versions, which this does not change).
  static let version = "0.6.0"

  static let configuration = CommandConfiguration(
    commandName: "mlw",
    abstract: "Keep an ML project's decisions and evidence as versioned JSON, from scope to monitoring.",
    discussion: """
      Every command takes --root DIR (or MLW_ROOT; default ./Workspaces), --workspace NAME \
      (or MLW_WORKSPACE), --as NAME (or MLW_USER) and --json.
      Exit codes: 0 ok, 1 a check found problems, 2 usage, 3 invalid input, 4 not found, \
      5 not permitted, 6 conflict, 7 corrupt stored data, 8 I/O error, 9 internal error.
      """,
    version: "mlw \(Mlw.version)",
    subcommands: [
      Init.self, Serve.self, Workspaces.self, Status.self, Log.self, Show.self, Diff.self, Revert.self, Fsck.self,
      Token.self, Stats.self, Model.self, Lineage.self, Lead.self, Sme.self, Manager.self, Annotator.self, Engineer.self,
    ]
  )
}
