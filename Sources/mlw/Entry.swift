/// The process entry point: parse, run, and turn any failure into one line and an exit code.
@main
enum Entry {
  static func main() async {
    await CommandLineRunner.main(arguments: Array(CommandLine.arguments.dropFirst()))
  }
}
