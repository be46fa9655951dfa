import ArgumentParser

/// The options every command takes. Each falls back to an environment variable.
struct GlobalOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("Folder of workspaces (default: $MLW_ROOT, else ./Workspaces).", valueName: "dir"))
  var root: String?

  @Option(name: [.short, .long], help: ArgumentHelp("Workspace to act on (default: $MLW_WORKSPACE).", valueName: "name"))
  var workspace: String?

  @Option(name: .customLong("as"), help: ArgumentHelp("Member acting (default: $MLW_USER).", valueName: "name"))
  var actor: String?

  @Flag(name: .long, help: "Print stable JSON instead of text.")
  var json = false
}
