import ArgumentParser

/// An argument that names a file the command reads. Its path is reached only through
/// `CommandContext.path(reading:)`, which confines it on the server, so a command that takes a
/// file cannot forget to: the type is the declaration. (Its completion kind marks it as a file
/// in the tree's description, which the attack suite reads to try every file argument.)
struct InputFile: ExpressibleByArgument, Sendable, Equatable {
  /// The text given; not a path to open (see the type's note).
  let given: String

  init?(argument: String) { given = argument }
  init(_ given: String) { self.given = given }

  var defaultValueDescription: String { given }
  static var defaultCompletionKind: CompletionKind { .file() }
}

/// An argument that names a file the command writes; reached only through
/// `CommandContext.path(writing:force:)`.
struct OutputFile: ExpressibleByArgument, Sendable, Equatable {
  let given: String

  init?(argument: String) { given = argument }
  init(_ given: String) { self.given = given }

  var defaultValueDescription: String { given }
  static var defaultCompletionKind: CompletionKind { .file() }
}
