import ArgumentParser
import Lifecycle

extension Mlw.Token {
  struct Cancel: MlwCommand {
    static let configuration = CommandConfiguration(
      commandName: "cancel",
      abstract: "End someone's token and invitation at once, for a token that leaked (the root's administrator, locally).")
    static let effect = Effect.writes
    static let reach = Reach.local

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The person.") var person: String

    func execute(_ context: CommandContext) throws -> TokenOutput {
      try context.root.cancelToken(of: person, now: context.now)
      return TokenOutput(person: person, cancelled: true)
    }
  }
}
