import ArgumentParser
import NIOConcurrencyHelpers
@_spi(Reflection) import Swift
import VersionedStore

/// Parses the server's requests without swift-argument-parser's per-parse reflection.
///
/// swift-argument-parser builds a command's whole argument set by reflection on every parse:
/// right for a process that parses once, and, at about 0.3 ms, the largest cost of a server
/// request. So the server parses each *shape* of request once with swift-argument-parser (the
/// command; which options and flags are given, how many times and by which name; how many
/// positional words) and keeps the parsed command as that shape's prototype. A later request of
/// the same shape is a copy of the prototype with its own values written into the properties
/// those options and positions fill, each converted by the `init?(argument:)` that
/// swift-argument-parser itself calls. A property the shape does not give keeps the prototype's
/// value, which is its default, because the prototype did not give it either.
///
/// The first request of each shape checks the mapping: the values written into a copy of the
/// prototype must read back exactly as swift-argument-parser parsed them, or the shape is never
/// taken this way. Everything out of the ordinary (an unknown or repeated name, `--`, a value
/// that starts with `-`, a value that does not convert, a `validate()` that throws) goes to
/// swift-argument-parser, so every error is the one the command line gives.
final class PreparedCommands: Sendable {
  private let plans = NIOLockedValueBox<[ObjectIdentifier: (any CommandPlan)?]>([:])

  static let shared = PreparedCommands()

  /// `type` parsed from `arguments` (the words after the command's path).
  func parse(_ type: any MlwCommand.Type, _ arguments: [String]) throws -> any MlwCommand {
    guard let plan = plan(for: type) else { return try Self.slowParse(type, arguments) }
    return try plan.parse(arguments)
  }

  /// Whether `type` can be prepared at all (every property of a kind this parser writes).
  func isPrepared(_ type: any MlwCommand.Type) -> Bool { plan(for: type) != nil }

  /// How many parses took the fast path so far (for tests and the benchmark).
  var fastParses: Int {
    plans.withLockedValue { $0.values.compactMap { $0 } }.reduce(0) { $0 + $1.fastParses }
  }

  private func plan(for type: any MlwCommand.Type) -> (any CommandPlan)? {
    let key = ObjectIdentifier(type)
    if let known = plans.withLockedValue({ $0[key] }) { return known }
    let made: (any CommandPlan)? = Self.makePlan(type)
    plans.withLockedValue { $0[key] = made }
    return made
  }

  private static func makePlan<C: MlwCommand>(_ type: C.Type) -> (any CommandPlan)? {
    Plan<C>()
  }

  static func slowParse(_ type: any MlwCommand.Type, _ arguments: [String]) throws -> any MlwCommand {
    guard let command = try type.parseAsRoot(arguments) as? any MlwCommand else {
      throw ValidationError("'\(type._commandName)' cannot be run")
    }
    return command
  }
}

private protocol CommandPlan: Sendable {
  func parse(_ arguments: [String]) throws -> any MlwCommand
  var fastParses: Int { get }
}

/// How an argument is given. (Outside `Plan`: a type nested in a generic class is looked up
/// at run time on every use.)
private enum Kind: Equatable {
  case option(repeating: Bool)
  case flag
  case positional(repeating: Bool)
}

/// One command type's arguments as the fast path needs them, and its prototypes by shape.
// Unchecked: every stored property is a constant made in `init` (key paths are immutable, but
// not yet marked Sendable; the writers capture only key paths) except `prototypes`, which is
// behind its lock.
private final class Plan<C: MlwCommand>: CommandPlan, @unchecked Sendable {

  struct Slot {
    let kind: Kind
    let field: Field
    /// Writes the slot's words into a command: the key paths cast once, when the plan is made
    /// (a cast per request looked up generic metadata at run time: most of a parse's cost).
    let write: Writer<C>

    func describe(_ command: C) -> String { field.describe(command) }
  }

  enum Entry {
    case prototype(C)
    case slow
  }

  let slots: [Slot]
  /// Option and flag names (`--workspace`, `-w`) to their slot, and to a number that tells
  /// the names of one flag apart (`--x` and `--no-x` set different values).
  let names: [String: (slot: Int, name: Int)]
  let positionals: [Int]
  /// The option groups, to validate them as the parser does.
  let groups: [ArraySlice<GroupField>]
  let prototypes = NIOLockedValueBox<(entries: [[Int]: Entry], fast: Int)>(([:], 0))
  static var maximumShapes: Int { 256 }

  /// Nil when the command has a property this parser does not write, or when its properties do
  /// not line up with the arguments swift-argument-parser describes.
  init?() {
    var fields: [Field] = []
    var groups: [ArraySlice<GroupField>] = []
    guard collectFields(of: C.self, chain: [], into: &fields, groups: &groups) else { return nil }
    guard let dump = try? JSONValue.parse(Array(C._dumpHelp().utf8)),
      case .array(let described)? = dump["command"]?["arguments"]
    else { return nil }
    let arguments = described.filter { argument in
      // The help flag swift-argument-parser adds; it has no property.
      !(argument["names"]?.arrayValue ?? []).contains { $0["name"]?.stringValue == "help" && $0["kind"]?.stringValue == "long" }
    }
    guard arguments.count == fields.count else { return nil }
    var slots: [Slot] = []
    var names: [String: (slot: Int, name: Int)] = [:]
    var positionals: [Int] = []
    for (index, (argument, field)) in zip(arguments, fields).enumerated() {
      // Only one value after the name is sorted here: the default strategy, and `.unconditional`,
      // which differs from it only for a value that starts with `-` (always left to the parser);
      // `.upToNextOption`, `.remaining` and the like are left to the parser.
      guard ["default", "unconditional"].contains(argument["parsingStrategy"]?.stringValue) else { return nil }
      let repeating = argument["isRepeating"]?.boolValue ?? false
      let kind: Kind
      switch (argument["kind"]?.stringValue, field.wrapper.role) {
      case ("option"?, .option): kind = .option(repeating: repeating)
      case ("flag"?, .flag): kind = .flag
      case ("positional"?, .positional): kind = .positional(repeating: repeating)
      default: return nil
      }
      guard field.wrapper.writes(repeating: repeating) else { return nil }
      if case .positional = kind {
        // A repeated positional must be the last, as the parser fills positions in order.
        if let last = positionals.last, case .positional(repeating: true) = slots[last].kind { return nil }
        positionals.append(index)
      } else {
        for (n, name) in (argument["names"]?.arrayValue ?? []).enumerated() {
          guard let text = name["name"]?.stringValue else { return nil }
          let spelled: String
          switch name["kind"]?.stringValue {
          case "long"?: spelled = "--" + text
          case "short"?: spelled = "-" + text
          case "longWithSingleDash"?: spelled = "-" + text
          default: return nil
          }
          guard names[spelled] == nil else { return nil }
          names[spelled] = (index, n + 1)
        }
      }
      guard let write = field.writer(C.self) else { return nil }
      slots.append(Slot(kind: kind, field: field, write: write))
    }
    self.slots = slots
    self.names = names
    self.positionals = positionals
    self.groups = groups
  }

  /// The words of one request, sorted into slots; nil when they are not of the plain kind the
  /// fast path takes.
  private func sort(_ arguments: [String]) -> (shape: [Int], values: [[String]])? {
    var shape = [Int](repeating: 0, count: slots.count + 1)
    var values = [[String]](repeating: [], count: slots.count)
    var loose: [String] = []
    var i = 0
    while i < arguments.count {
      let word = arguments[i]
      i += 1
      guard word.hasPrefix("-") else {
        loose.append(word)
        continue
      }
      var name = word
      var inline: String?
      if word.hasPrefix("--"), let equals = word.firstIndex(of: "=") {
        name = String(word[..<equals])
        inline = String(word[word.index(after: equals)...])
      }
      guard let (slot, spelling) = names[name] else { return nil }
      switch slots[slot].kind {
      case .flag:
        guard inline == nil, shape[slot] == 0 else { return nil }
        shape[slot] = spelling
      case .option(let repeating):
        guard repeating || shape[slot] == 0 else { return nil }
        let value: String
        if let inline {
          // `--name=` is a missing value to swift-argument-parser.
          guard !inline.isEmpty else { return nil }
          value = inline
        } else {
          guard i < arguments.count else { return nil }
          value = arguments[i]
          i += 1
        }
        guard !value.hasPrefix("-") else { return nil }
        shape[slot] += 1
        values[slot].append(value)
      case .positional:
        return nil
      }
    }
    shape[slots.count] = loose.count
    var next = loose[...]
    for slot in positionals where !next.isEmpty {
      if case .positional(repeating: true) = slots[slot].kind {
        values[slot] = Array(next)
        next = []
      } else {
        values[slot] = [next.removeFirst()]
      }
    }
    guard next.isEmpty else { return nil }
    return (shape, values)
  }

  /// The prototype with `values` written in; nil when a value does not convert.
  private func fill(_ prototype: C, _ values: [[String]]) -> C? {
    var command = prototype
    // By index: a `zip` of the slots looked up its generic metadata on every step.
    for index in values.indices where !values[index].isEmpty {
      let slot = slots[index]
      guard slot.kind == .flag || slot.write(&command, values[index]) else { return nil }
    }
    return command
  }

  private func validate(_ command: inout C) -> Bool {
    do {
      try command.validate()
      for chain in groups {
        guard var value = GroupField.value(of: chain, in: command) else { return false }
        try value.validate()
      }
      return true
    } catch {
      return false
    }
  }

  var fastParses: Int { prototypes.withLockedValue { $0.fast } }

  func parse(_ arguments: [String]) throws -> any MlwCommand {
    guard let (shape, values) = sort(arguments) else { return try PreparedCommands.slowParse(C.self, arguments) }
    switch prototypes.withLockedValue({ $0.entries[shape] }) {
    case .prototype(let prototype)?:
      if var command = fill(prototype, values), validate(&command) {
        prototypes.withLockedValue { $0.fast += 1 }
        return command
      }
      return try PreparedCommands.slowParse(C.self, arguments)
    case .slow?:
      return try PreparedCommands.slowParse(C.self, arguments)
    case nil:
      // swift-argument-parser's answer (or error) is this request's; if it parses, check that
      // the fast path would have given the same, and keep it as the shape's prototype.
      guard let parsed = try PreparedCommands.slowParse(C.self, arguments) as? C else {
        throw ValidationError("'\(C._commandName)' cannot be run")
      }
      let agrees =
        fill(parsed, values).map { copy in
          zip(slots, values).allSatisfy { slot, words in
            words.isEmpty || slot.kind == .flag
              || slot.describe(copy) == slot.describe(parsed)
          }
        } ?? false
      prototypes.withLockedValue { known in
        if known.entries.count < Self.maximumShapes { known.entries[shape] = agrees ? .prototype(parsed) : .slow }
      }
      return parsed
    }
  }
}

/// A stored `@Option`, `@Argument` or `@Flag` property: the option groups it is in (outermost
/// first, each reached from the value of the one before) and its key path from the last of them
/// (or from the command).
struct Field {
  let path: AnyKeyPath
  let wrapper: any ArgumentWrapper.Type
  let groups: ArraySlice<GroupField>

  /// Writes words given for this field into a `Root`; nil when a key path does not fit.
  func writer<Root>(_ root: Root.Type) -> Writer<Root>? {
    guard let group = groups.first else { return wrapper.writer(at: path) }
    return group.wrapper.writer(at: group.path, field: Field(path: path, wrapper: wrapper, groups: groups.dropFirst()))
  }

  func describe<Root>(_ root: Root) -> String {
    guard let group = groups.first else { return wrapper.describe(root, at: path) }
    return group.wrapper.describe(root, at: group.path, field: Field(path: path, wrapper: wrapper, groups: groups.dropFirst()))
  }
}

/// A stored `@OptionGroup` property, reached from the command or from the value of a group.
struct GroupField {
  let path: AnyKeyPath
  let wrapper: any OptionGroupWrapper.Type

  /// The value of the last group of `chain` (outermost first) in `root`.
  static func value<Root>(of chain: ArraySlice<GroupField>, in root: Root) -> (any ParsableArguments)? {
    guard let group = chain.first else { return nil }
    return group.wrapper.value(in: root, at: group.path, then: chain.dropFirst())
  }
}

/// Walks the stored properties of `type` (a command, or the value of the last group of
/// `chain`), descending into option groups; false when one of them is not an argument wrapper
/// this parser knows. Key paths are never appended across a group's computed `wrappedValue`
/// (such appended paths crashed when read): a group's fields are written through the group.
private func collectFields<T>(
  of type: T.Type, chain: ArraySlice<GroupField>, into fields: inout [Field], groups: inout [ArraySlice<GroupField>]
) -> Bool {
  var known = true
  _ = _forEachFieldWithKeyPath(of: type) { _, field in
    let valueType = Swift.type(of: field).valueType
    if let wrapper = valueType as? any OptionGroupWrapper.Type {
      let inner = chain + [GroupField(path: field, wrapper: wrapper)]
      groups.append(inner)
      known = wrapper.collect(chain: inner, into: &fields, groups: &groups)
    } else if let wrapper = valueType as? any ArgumentWrapper.Type {
      fields.append(Field(path: field, wrapper: wrapper, groups: chain))
    } else {
      known = false
    }
    return known
  }
  return known
}

// MARK: - The property wrappers, as the fast path writes them

enum WrapperRole { case option, flag, positional }

/// Writes the words given for one argument into a value; false when they do not convert.
typealias Writer<Root> = (inout Root, [String]) -> Bool

/// `@Option`, `@Argument` and `@Flag` properties: what they are, and how to write one from the
/// words given for it (the same conversion swift-argument-parser applies).
protocol ArgumentWrapper {
  static var role: WrapperRole { get }
  /// Whether this wrapper's value can be written from words (and is an array when `repeating`).
  static func writes(repeating: Bool) -> Bool
  static func writer<Root>(at path: AnyKeyPath) -> Writer<Root>?
  static func describe<Root>(_ root: Root, at path: AnyKeyPath) -> String
}

/// Converts the words given for an option or positional into its value, as swift-argument-parser
/// does: `init?(argument:)` of the value's type, of the optional's wrapped type, or of the
/// array's element type for each word.
enum ArgumentConversion {
  /// Whether values of `type` can be made this way (an array exactly when `repeating`).
  static func converts(_ type: Any.Type, repeating: Bool) -> Bool {
    if let array = type as? any ArrayOfArguments.Type { return repeating && array.element is any ExpressibleByArgument.Type }
    if let optional = type as? any OptionalArgument.Type { return !repeating && optional.wrapped is any ExpressibleByArgument.Type }
    return !repeating && type is any ExpressibleByArgument.Type
  }

  /// Converts words into a value of `type`; the type is looked at once, here, not per value.
  static func converter(for type: Any.Type) -> (([String]) -> Any?)? {
    if let array = type as? any ArrayOfArguments.Type {
      guard let element = array.element as? any ExpressibleByArgument.Type else { return nil }
      return { words in
        var values: [Any] = []
        for word in words {
          guard let value = element.init(argument: word) else { return nil }
          values.append(value)
        }
        return array.make(values)
      }
    }
    if let optional = type as? any OptionalArgument.Type {
      guard let wrapped = optional.wrapped as? any ExpressibleByArgument.Type else { return nil }
      return { words in
        guard words.count == 1, let value = wrapped.init(argument: words[0]) else { return nil }
        return optional.wrap(value)
      }
    }
    guard let plain = type as? any ExpressibleByArgument.Type else { return nil }
    return { words in words.count == 1 ? plain.init(argument: words[0]) : nil }
  }
}

private protocol OptionalArgument {
  static var wrapped: Any.Type { get }
  static func wrap(_ value: Any) -> Any?
}

extension Optional: OptionalArgument {
  fileprivate static var wrapped: Any.Type { Wrapped.self }
  fileprivate static func wrap(_ value: Any) -> Any? { (value as? Wrapped).map { Self.some($0) as Any } }
}

private protocol ArrayOfArguments {
  static var element: Any.Type { get }
  static func make(_ values: [Any]) -> Any?
}

extension Array: ArrayOfArguments {
  fileprivate static var element: Any.Type { Element.self }
  fileprivate static func make(_ values: [Any]) -> Any? { values as? [Element] }
}

/// `@Option` and `@Argument`: a value converted from the words given for it.
protocol WordsWrapper: ArgumentWrapper {
  associatedtype Value
  var wrappedValue: Value { get set }
}

extension WordsWrapper {
  static func writes(repeating: Bool) -> Bool { ArgumentConversion.converts(Value.self, repeating: repeating) }

  static func writer<Root>(at path: AnyKeyPath) -> Writer<Root>? {
    guard let path = path as? WritableKeyPath<Root, Self>, let convert = ArgumentConversion.converter(for: Value.self) else { return nil }
    return { root, words in
      // Unwrap the `Any?` before the cast: `nil as? Int?` would succeed, as `.some(nil)`.
      guard let converted = convert(words), let value = converted as? Value else { return false }
      root[keyPath: path].wrappedValue = value
      return true
    }
  }

  static func describe<Root>(_ root: Root, at path: AnyKeyPath) -> String {
    guard let path = path as? KeyPath<Root, Self> else { return "?" }
    return String(reflecting: root[keyPath: path].wrappedValue)
  }
}

extension Option: WordsWrapper {
  static var role: WrapperRole { .option }
}

extension Argument: WordsWrapper {
  static var role: WrapperRole { .positional }
}

extension Flag: ArgumentWrapper {
  static var role: WrapperRole { .flag }
  // A flag's value comes from the prototype: the shape records which of its names was given.
  static func writes(repeating: Bool) -> Bool { Value.self == Bool.self && !repeating }
  static func writer<Root>(at path: AnyKeyPath) -> Writer<Root>? { { _, _ in false } }
  static func describe<Root>(_ root: Root, at path: AnyKeyPath) -> String {
    guard let path = path as? KeyPath<Root, Self> else { return "?" }
    return String(reflecting: root[keyPath: path].wrappedValue)
  }
}

/// `@OptionGroup` properties: the fast path writes their value's fields through them.
protocol OptionGroupWrapper {
  static func collect(chain: ArraySlice<GroupField>, into fields: inout [Field], groups: inout [ArraySlice<GroupField>]) -> Bool
  static func writer<Root>(at path: AnyKeyPath, field: Field) -> Writer<Root>?
  static func describe<Root>(_ root: Root, at path: AnyKeyPath, field: Field) -> String
  static func value<Root>(in root: Root, at path: AnyKeyPath, then rest: ArraySlice<GroupField>) -> (any ParsableArguments)?
}

extension OptionGroup: OptionGroupWrapper {
  static func collect(chain: ArraySlice<GroupField>, into fields: inout [Field], groups: inout [ArraySlice<GroupField>]) -> Bool {
    collectFields(of: Value.self, chain: chain, into: &fields, groups: &groups)
  }

  static func writer<Root>(at path: AnyKeyPath, field: Field) -> Writer<Root>? {
    guard let path = path as? WritableKeyPath<Root, Self>, let inner = field.writer(Value.self) else { return nil }
    return { root, words in
      var value = root[keyPath: path].wrappedValue
      guard inner(&value, words) else { return false }
      root[keyPath: path].wrappedValue = value
      return true
    }
  }

  static func describe<Root>(_ root: Root, at path: AnyKeyPath, field: Field) -> String {
    guard let path = path as? KeyPath<Root, Self> else { return "?" }
    return field.describe(root[keyPath: path].wrappedValue)
  }

  static func value<Root>(in root: Root, at path: AnyKeyPath, then rest: ArraySlice<GroupField>) -> (any ParsableArguments)? {
    guard let path = path as? KeyPath<Root, Self> else { return nil }
    let value = root[keyPath: path].wrappedValue
    return rest.isEmpty ? value : GroupField.value(of: rest, in: value)
  }
}
