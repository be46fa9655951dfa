import ArgumentParser
import Statistics
import Testing
import VersionedStore

@testable import mlw

/// The server's prepared parsing must give exactly what swift-argument-parser gives: the same
/// command value, or the same error, for every command of the tree and any words.
@Suite struct PreparedCommandsTests {
  /// Every leaf of the command tree that runs through `MlwCommand`.
  static func leaves() -> [(path: String, type: any MlwCommand.Type)] {
    var found: [(String, any MlwCommand.Type)] = []
    func walk(_ type: any ParsableCommand.Type, _ path: [String]) {
      let children = type.configuration.subcommands
      if children.isEmpty, let served = type as? any MlwCommand.Type { found.append((path.joined(separator: " "), served)) }
      for child in children { walk(child, path + [child._commandName]) }
    }
    walk(Mlw.self, [])
    return found
  }

  /// The outcome of a parse, comparable: the command's full reflection, or the error's message.
  static func outcome(_ parse: () throws -> any MlwCommand) -> String {
    do { return "ok " + String(reflecting: try parse()) } catch { return "error " + Mlw.message(for: error) }
  }

  @Test func everyServedCommandIsPrepared() {
    let prepared = PreparedCommands()
    let leaves = Self.leaves()
    #expect(leaves.count > 60)
    for (path, type) in leaves {
      #expect(prepared.isPrepared(type), "'\(path)' has a property the prepared parser does not write")
    }
  }

  @Test func agreesWithArgumentParserOnRandomWords() throws {
    var random = SeededGenerator(seed: 20_261_122)
    let prepared = PreparedCommands()
    var compared = 0
    for (path, type) in Self.leaves() {
      let dump = try JSONValue.parse(Array(type._dumpHelp().utf8))
      let arguments = dump["command"]?["arguments"]?.arrayValue ?? []
      let options = arguments.filter { $0["kind"]?.stringValue != "positional" }
      let positionals = arguments.filter { $0["kind"]?.stringValue == "positional" }
      // A few shapes, each tried with many values, so that most parses find a prototype.
      var shapes: [[JSONValue]] = []
      for _ in 0..<6 { shapes.append(options.filter { _ in random.below(4) == 0 }) }
      for _ in 0..<100 {
        var words: [(Int, [String])] = []
        for option in shapes[random.below(shapes.count)] {
          let names = (option["names"]?.arrayValue ?? []).compactMap { name -> String? in
            guard let text = name["name"]?.stringValue else { return nil }
            return (name["kind"]?.stringValue == "long" ? "--" : "-") + text
          }
          let name = names[random.below(names.count)]
          if option["kind"]?.stringValue == "flag" {
            words.append((random.below(100), [name]))
            continue
          }
          let choices = (option["allValues"]?.arrayValue ?? []).compactMap(\.stringValue)
          for _ in 0..<(option["isRepeating"]?.boolValue == true ? 1 + random.below(3) : 1) {
            let value = Self.value(&random, choices: choices)
            words.append((random.below(100), name.hasPrefix("--") && random.below(4) == 0 ? [name + "=" + value] : [name, value]))
          }
        }
        for _ in 0..<(positionals.isEmpty ? random.below(2) : positionals.count + random.below(3) - 1) {
          words.append((random.below(100), [Self.value(&random, choices: [])]))
        }
        if random.below(25) == 0 {
          let odd = ["--", "-h", "--help", "--nope", "-wbench", "--json=true", "--workspace", "-", "--root", "x"]
          words.append((random.below(100), [odd[random.below(odd.count)]]))
        }
        let argv = words.sorted { $0.0 < $1.0 }.flatMap(\.1)
        let slow = Self.outcome { try PreparedCommands.slowParse(type, argv) }
        let fast = Self.outcome { try prepared.parse(type, argv) }
        #expect(fast == slow, "\(path) \(argv)")
        compared += 1
      }
    }
    // The fast path must really be taken, not only fall back.
    #expect(prepared.fastParses > compared / 10, "\(prepared.fastParses) of \(compared) parses were prepared")
  }

  /// A value that does not convert must be refused, also after a prototype of its shape exists
  /// (an `Int?` option once kept the prototype's value when `Int(argument:)` failed).
  @Test func aValueThatDoesNotConvertIsRefusedAfterAPrototype() {
    let prepared = PreparedCommands()
    let type = Mlw.Annotator.Guidelines.Ack.self
    #expect(Self.outcome { try prepared.parse(type, ["-w", "demo", "--version", "2"]) }.hasPrefix("ok"))
    let refused = Self.outcome { try prepared.parse(type, ["-w", "demo", "--version", "x"]) }
    #expect(refused == "error The value 'x' is invalid for '--version <version>'")
    let other = Self.outcome { try prepared.parse(type, ["-w", "demo", "--version", "3"]) }
    #expect(other == Self.outcome { try PreparedCommands.slowParse(type, ["-w", "demo", "--version", "3"]) })
    #expect(prepared.fastParses == 1)
  }

  static func value(_ random: inout SeededGenerator, choices: [String]) -> String {
    let pool = ["demo", "1", "2", "0", "x", "2.5", "-3", "a b", "ok", "", "../etc", "single-label", "csv", "0.05", "30", "ann"]
    if !choices.isEmpty, random.below(2) == 0 { return choices[random.below(choices.count)] }
    return pool[random.below(pool.count)]
  }
}
