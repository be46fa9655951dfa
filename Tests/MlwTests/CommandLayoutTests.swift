import ArgumentParser
import Foundation
import Testing

@testable import mlw

/// Where a command's code lives follows from its type, so a reader finds any command without
/// searching. The type `Mlw.Manager.Guidelines.Set` is in
/// `Sources/mlw/Manager/Guidelines/ManagerGuidelinesSet.swift`: the folder is the path of the
/// groups above it, the file name its whole path run together (SwiftPM needs file names unique
/// in a target, so `Set.swift` cannot repeat). A group is in its own folder:
/// `Sources/mlw/Manager/Manager.swift`. A command shared by several groups (`sme item show` is
/// `Mlw.Manager.Item.Show`) lives once, where its type says.
@Suite struct CommandLayoutTests {
  /// Every command type in the tree, each once, with the components of its type's path after `Mlw`.
  static func commands() -> [(components: [String], isGroup: Bool, type: any ParsableCommand.Type)] {
    var found: [String: ([String], Bool, any ParsableCommand.Type)] = [:]
    func walk(_ type: any ParsableCommand.Type) {
      let name = String(reflecting: type)
      let components = name.split(separator: ".").map(String.init).drop { $0 != "Mlw" }.dropFirst()
      let children = type.configuration.subcommands
      if !components.isEmpty { found[name] = (Array(components), !children.isEmpty, type) }
      for child in children { walk(child) }
    }
    walk(Mlw.self)
    return found.values.sorted { $0.0.joined() < $1.0.joined() }.map { ($0.0, $0.1, $0.2) }
  }

  /// Where the rule puts a command type.
  static func expectedFile(_ components: [String], isGroup: Bool) -> String {
    let folders = isGroup ? components : Array(components.dropLast())
    return (["Sources", "mlw"] + folders + [components.joined() + ".swift"]).joined(separator: "/")
  }

  @Test func everyCommandIsInTheFileItsTypeNames() throws {
    let commands = Self.commands()
    #expect(commands.count > 70)
    for (components, isGroup, _) in commands where components != ["Help"] {
      let relative = Self.expectedFile(components, isGroup: isGroup)
      let path = Products.packageRoot + "/" + relative
      guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
        Issue.record("\(components.joined(separator: ".")) should be in \(relative), which does not exist")
        continue
      }
      let parent = (["Mlw"] + components.dropLast()).joined(separator: ".")
      let declares = text.contains("extension \(parent) {") && text.contains("struct \(components.last!):")
      #expect(declares, "\(relative) does not declare \(parent).\(components.last!)")
    }
  }

  /// And the other way: a file in a command folder holds a command of that folder (the code
  /// the commands of one noun share lives in the noun's group file or in `Support/`).
  @Test func everyFileInTheCommandFoldersIsACommand() throws {
    let expected = Set(Self.commands().map { Self.expectedFile($0.components, isGroup: $0.isGroup) })
    let sources = Products.packageRoot + "/Sources/mlw"
    let enumerator = FileManager.default.enumerator(atPath: sources)
    var files: [String] = []
    while let next = enumerator?.nextObject() as? String {
      if next.hasSuffix(".swift") { files.append(next) }
    }
    let outsideTheTree: Set<String> = ["Entry.swift", "Mlw.swift"]  // the entry point and the root command
    for file in files where !file.hasPrefix("Support/") && !file.hasPrefix("Server/") && !outsideTheTree.contains(file) {
      #expect(expected.contains("Sources/mlw/" + file), "Sources/mlw/\(file) is in the command folders but is no command of the tree")
    }
  }
}
