import Foundation
import Testing

/// The arrows between the package's own targets go one way:
/// mlw → LineServer → VersionedStore, mlw → Lifecycle → {VersionedStore, Statistics}.
/// Reads every source file's imports, so a new import that points the wrong way fails here.
@Suite struct LayeringTests {
  static let allowed: [String: Set<String>] = [
    "Statistics": [],
    "VersionedStore": [],
    "Lifecycle": ["VersionedStore", "Statistics"],
    "LineServer": ["VersionedStore"],
    "mlw": ["Lifecycle", "LineServer", "VersionedStore", "Statistics"],
  ]

  /// The modules a Swift file imports (`import X`, `@preconcurrency import X`, `import struct X.Y`).
  static func imports(of text: String) -> Set<String> {
    var found = Set<String>()
    for line in text.split(separator: "\n") {
      var words = line.split(separator: " ").map(String.init)
      while let first = words.first, first.hasPrefix("@") { words.removeFirst() }
      guard words.first == "import", words.count >= 2 else { continue }
      let module =
        words.count >= 3 && ["struct", "class", "enum", "protocol", "func", "typealias", "var", "let"].contains(words[1])
        ? words[2] : words[1]
      found.insert(String(module.split(separator: ".")[0]))
    }
    return found
  }

  @Test func everyImportBetweenTheTargetsPointsDown() throws {
    let sources = Products.packageRoot + "/Sources"
    let targets = try FileManager.default.contentsOfDirectory(atPath: sources).sorted()
    #expect(Set(targets) == Set(Self.allowed.keys), "a target was added or removed: give it its place in `allowed`")
    var checked = 0
    for target in targets {
      let ours = Set(Self.allowed.keys)
      let enumerator = try #require(FileManager.default.enumerator(atPath: sources + "/" + target))
      while let file = enumerator.nextObject() as? String {
        guard file.hasSuffix(".swift") else { continue }
        let text = try String(contentsOfFile: sources + "/" + target + "/" + file, encoding: .utf8)
        #expect(!text.contains("@testable import"), "\(target)/\(file) uses @testable import")
        let wrong = Self.imports(of: text).intersection(ours).subtracting(Self.allowed[target] ?? []).subtracting([target])
        #expect(wrong.isEmpty, "\(target)/\(file) imports \(wrong.sorted()): \(target) may import only \(Self.allowed[target]!.sorted())")
        checked += 1
      }
    }
    #expect(checked > 50)
  }

  @Test func theCheckSeesEveryFormOfImport() {
    #expect(
      Self.imports(of: "import Foundation\n@preconcurrency import NIOCore\nimport struct Lifecycle.Workspace\n  // import X") == [
        "Foundation", "NIOCore", "Lifecycle",
      ])
  }
}
