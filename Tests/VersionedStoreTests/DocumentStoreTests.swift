import Foundation
import Testing

@testable import VersionedStore

private struct Note: DocumentBody, Equatable {
  static let kind = "note"
  static let schemaVersion = 2
  var text: String
  var stars: Int

  static func migrate(_ body: JSONValue, from schemaVersion: Int) throws -> JSONValue {
    guard schemaVersion == 1, case .object(var fields) = body else { return body }
    fields["stars"] = .int(0)  // version 1 had no stars
    return .object(fields)
  }
}

private let t0 = Date(timeIntervalSince1970: 1_795_000_000)

private func draft(_ text: String, by author: String = "ana", at time: Date = t0) throws -> DocumentDraft {
  try DocumentDraft(Note(text: text, stars: 1), author: author, role: "lead", time: time, message: "write \(text)")
}

@Suite struct DocumentStoreTests {
  let store = DocumentStore(root: makeTemporaryFolder())
  let path = RecordPath(trusted: ["notes", "n1"])

  @Test func publishesContiguousVersionsChainedByHash() throws {
    let v1 = try store.publish(path, try draft("one"), expecting: 0)
    let v2 = try store.publish(path, try draft("two"), expecting: 1)
    #expect(v1.envelope.version == 1 && v1.envelope.parent == nil)
    #expect(v2.envelope.parent == v1.hash)
    #expect(try store.latestVersion(of: path) == 2)
    #expect(try store.read(path).body(as: Note.self).text == "two")
    #expect(try store.read(path, version: 1).body(as: Note.self).text == "one")
    #expect(try store.history(path).map(\.envelope.message) == ["write one", "write two"])
    let file = try readText(store.folder(path) + "/v000002.json")
    #expect(file.hasPrefix("{\n  \"author\": \"ana\",\n  \"body\": {\n"))
    #expect(file.hasSuffix("}\n"))
    #expect(file.contains("\"time\": \"2026-11-18T11:06:40Z\""))
  }

  @Test func aWriterThatReadAnOldVersionGetsAConflictNamingTheWinner() throws {
    try store.publish(path, try draft("one"), expecting: 0)
    try store.publish(path, try draft("bob's", by: "bob"), expecting: 1)
    #expect {
      try store.publish(path, try draft("ana's"), expecting: 1)
    } throws: { error in
      guard case StoreError.conflict(_, let version, let author, _, let time, let youRead, _) = error else { return false }
      return version == 2 && author == "bob" && time == "2026-11-18T11:06:40Z" && youRead == 1
        && (error as! StoreError).message.contains("--if-version 2")
    }
    #expect(try store.latestVersion(of: path) == 2)
    #expect(try store.read(path).body(as: Note.self).text == "bob's")
  }

  @Test func creatingAnExistingRecordIsAConflictAndNamingAFutureVersionIsNotFound() throws {
    try store.publish(path, try draft("one"), expecting: 0)
    #expect(throws: StoreError.self) { try store.publish(path, try draft("again"), expecting: 0) }
    #expect(throws: StoreError.versionNotFound(path: "notes/n1", version: 5, latest: 1)) {
      try store.publish(path, try draft("later"), expecting: 5)
    }
    #expect(throws: StoreError.versionNotFound(path: "notes/n1", version: 9, latest: 1)) {
      try store.read(path, version: 9)
    }
  }

  @Test func revertPublishesTheOldBodyAsANewVersion() throws {
    try store.publish(path, try draft("one"), expecting: 0)
    try store.publish(path, try draft("two"), expecting: 1)
    let reverted = try store.revert(path, to: 1, author: "bob", role: "lead", time: t0, message: nil, expecting: 2)
    #expect(reverted.envelope.version == 3)
    #expect(reverted.envelope.message == "revert to version 1")
    #expect(try store.read(path).body(as: Note.self).text == "one")
    #expect(try store.history(path).count == 3)
  }

  @Test func aNewerSchemaVersionIsRefusedNamingTheFileAndOlderOnesMigrate() throws {
    let future = DocumentDraft(
      kind: "note", schemaVersion: 3, author: "ana", role: "lead", time: t0, message: "from the future",
      body: .object(["text": .string("x"), "stars": .int(1)]))
    try store.publish(path, future, expecting: 0)
    #expect {
      try store.read(path).body(as: Note.self)
    } throws: { error in
      (error as? StoreError)?.message.contains("v000001.json is a note of schema version 3, newer than this mlw knows (2)") == true
    }
    let old = DocumentDraft(
      kind: "note", schemaVersion: 1, author: "ana", role: "lead", time: t0, message: "old", body: .object(["text": .string("y")]))
    try store.publish(path, old, expecting: 1)
    #expect(try store.read(path).body(as: Note.self) == Note(text: "y", stars: 0))
  }

  @Test func aHandCorruptedVersionIsReportedWithItsFile() throws {
    try store.publish(path, try draft("one"), expecting: 0)
    try writeText("{ not json", to: store.folder(path) + "/v000001.json")
    #expect {
      try store.read(path)
    } throws: { error in
      guard case StoreError.corrupt(let file, _) = error else { return false }
      return file.hasSuffix("notes/n1/v000001.json")
    }
  }

  @Test func aVersionFileChangedSinceItWasReadIsReadAgain() throws {
    try store.publish(path, try draft("one"), expecting: 0)
    #expect(try store.read(path).body(as: Note.self).text == "one")
    #expect(try store.read(path).body(as: Note.self).text == "one")  // from the version file cache
    try writeText("{ not json", to: store.folder(path) + "/v000001.json")
    #expect(throws: StoreError.self) { try store.read(path) }
  }

  @Test func theLatestVersionIsFoundAgainWhenVersionsComeAndGo() throws {
    for n in 0..<5 { try store.publish(path, try draft("v\(n + 1)"), expecting: n) }
    #expect(try store.latestVersion(of: path) == 5)
    // Restored from an older copy: versions 4 and 5 are gone.
    for n in [4, 5] { try FileManager.default.removeItem(atPath: store.folder(path) + "/v00000\(n).json") }
    #expect(try store.latestVersion(of: path) == 3)
    #expect(try store.read(path).body(as: Note.self).text == "v3")
    // Another writer adds many versions at once.
    for n in 3..<40 { try store.publish(path, try draft("v\(n + 1)"), expecting: n) }
    #expect(try store.latestVersion(of: path) == 40)
    #expect(try store.read(path).body(as: Note.self).text == "v40")
    for n in 40..<41 { try store.publish(path, try draft("v\(n + 1)"), expecting: n) }
    #expect(try store.latestVersion(of: path) == 41)
  }

  @Test func versionFileNamesParseStrictly() {
    #expect(DocumentStore.version(ofFileName: "v000001.json") == 1)
    #expect(DocumentStore.version(ofFileName: "v1234567.json") == 1_234_567)
    #expect(DocumentStore.version(ofFileName: "v000000.json") == nil)
    #expect(DocumentStore.version(ofFileName: "v00001.json") == nil)
    #expect(DocumentStore.version(ofFileName: "v0000001.json") == nil)
    #expect(DocumentStore.version(ofFileName: "v000001.json.tmp") == nil)
  }

  @Test func versionFileNamesAreSixDigitsOrMore() {
    #expect(DocumentStore.fileName(version: 1) == "v000001.json")
    #expect(DocumentStore.fileName(version: 42) == "v000042.json")
    #expect(DocumentStore.fileName(version: 999_999) == "v999999.json")
    #expect(DocumentStore.fileName(version: 1_234_567) == "v1234567.json")
    for n in [1, 7, 10, 99, 100, 12_345, 999_999, 1_000_000, 54_321_000] {
      #expect(DocumentStore.version(ofFileName: DocumentStore.fileName(version: n)) == n)
    }
  }
}
