import Testing

@testable import VersionedStore

@Suite struct NameTests {
  @Test(arguments: ["a", "defect-detection", "run.2026_11", "0", String(repeating: "x", count: 64)])
  func acceptsValidNames(_ text: String) throws {
    #expect(try Name(text).value == text)
  }

  @Test(arguments: [
    "", ".", "..", "../x", "A", "Ana", "-x", ".hidden", "_x", "a/b", "a b", "a\u{0}b", "é",
    String(repeating: "x", count: 65), String(repeating: "y", count: 200),
  ])
  func refusesInvalidNames(_ text: String) {
    #expect(throws: StoreError.self) { try Name(text) }
  }

  @Test func errorSaysWhatIsWrong() {
    #expect(Name.problem(with: "../x")?.contains("must start with") == true)
    #expect(Name.problem(with: "ab/c")?.contains("'/'") == true)
    #expect(Name.problem(with: String(repeating: "x", count: 200))?.contains("200 characters") == true)
  }

  @Test func recordPathsValidateEveryComponent() throws {
    #expect(try RecordPath("runs/r1").components == ["runs", "r1"])
    for bad in ["runs/../x", "/runs", "runs/", "runs//r1", "", "Runs/r1"] {
      #expect(throws: StoreError.self) { try RecordPath(bad) }
    }
  }
}
