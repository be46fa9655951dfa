import ArgumentParser

/// The options every command takes. Each falls back to an environment variable.
struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Folder of workspaces (default: $MLW_ROOT, else ./Workspaces).", valueName: "dir"))
  var root: String?

  @Option(
    name: [.short, .long], help: ArgumentHelp("Workspace to act on (default: $MLW_WORKSPACE).", valueName: "name"),
    completion: Completions.workspaces)
  var workspace: String?

  @Option(
    name: .customLong("as"), help: ArgumentHelp("Member acting (default: $MLW_USER).", valueName: "name"),
    completion: Completions.members)
  var actor: String?

  @Flag(name: .long, help: "Print stable JSON instead of text.")
  var json = false
}
