import ArgumentParser
import Lifecycle

extension Mlw {
  /// `mlw init WORKSPACE --lead NAME`: a new workspace with its first lead.
  struct Init: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "init",
      abstract: "Create a workspace with its first lead (adds the lead to the team roster if new).")
    static let effect = Effect.writes
    static let reach = Reach.local

    @OptionGroup var global: GlobalOptions

    @Argument(help: "Name of the new workspace ([a-z0-9][a-z0-9._-]{0,63}).")
    var name: String

    @Option(help: ArgumentHelp("The first lead of the workspace.", valueName: "name"))
    var lead: String

    @Option(help: "A title for people: what the project is.")
    var title: String?

    struct Output: CommandOutput {
      var workspace: String
      var folder: String
      var lead: String
      /// The lead's token when they were new to the roster; shown once.
      var token: String?

      func render() -> String {
        var text = "created workspace '\(workspace)' in \(folder) with \(lead) as lead\n"
        if let token { text += "token for \(lead) (shown once; keep it secret): \(token)\n" }
        return text
      }
    }

    func execute(_ context: CommandContext) throws -> Output {
      let (workspace, token) = try context.root.createWorkspace(
        name: name, title: title ?? name, lead: lead, now: context.now)
      return Output(workspace: workspace.name, folder: workspace.folder, lead: lead, token: token)
    }
  }
}
