import Testing

@testable import Lifecycle

/// The filter language of `run list` on fields given directly: precedence, negation, lists,
/// missing fields, types, and errors that point at the column.
@Suite struct RunFilterTests {
  let fields: [String: FilterValue] = [
    "metrics.dev.f1": .number(0.82), "params.lr": .number(0.0003), "params.optimizer": .text("adam"), "tags.stage": .text("main"),
    "dataset": .text("joints@2"), "params.aug": .bool(true), "metrics.loss": .number(.nan),
  ]

  func matches(_ text: String) throws -> Bool {
    try RunFilter.parse(text).matches { fields[$0] }
  }

  @Test func theIssuesExampleParsesAndMatches() throws {
    #expect(
      try matches(
        "metrics.dev.f1 > 0.8 and (params.optimizer = 'adam' or params.lr in (0.001, 0.0003)) and tags.stage != 'debug' and dataset = 'joints'"))
  }

  @Test func andBindsTighterThanOrAndNotTighterThanAnd() throws {
    #expect(try matches("params.lr = 1 and params.lr = 2 or params.optimizer = 'adam'"))  // (false and false) or true
    #expect(try !matches("params.optimizer = 'adam' and (params.lr = 1 or params.lr = 2)"))
    #expect(try matches("not params.lr = 1 and params.optimizer = 'adam'"))
    #expect(try !matches("not (params.optimizer = 'adam')"))
    #expect(try matches("NOT params.optimizer = 'sgd' AND params.aug = true"))  // keywords in any case
  }

  @Test func listsMissingFieldsAndTypes() throws {
    #expect(try matches("params.lr in (0.001, 0.0003)"))
    #expect(try matches("params.optimizer not in ('sgd', 'rmsprop')"))
    #expect(try matches("tags.owner is missing and tags.stage is not missing"))
    #expect(try !matches("tags.owner = 'x'"))  // a missing field satisfies no comparison
    #expect(try !matches("tags.owner != 'x'"))
    #expect(try !matches("params.lr = '0.0003'"))  // a number never equals a text
    #expect(try matches("params.lr != 'adam'"))
    #expect(try matches("dataset = 'joints@2' and dataset = 'joints' and dataset != 'joints@1'"))
    #expect(try matches("params.optimizer >= 'a' and params.optimizer < 'b'"))
    #expect(try !matches("metrics.loss < 1 or metrics.loss >= 1"))  // NaN compares with nothing
    #expect(try matches("metrics.loss != 1"))
    #expect(try matches("metrics.dev.f1 >= 8.2e-1 and metrics.dev.f1 > -1 and params.lr == 0.0003 and params.lr <> 1"))
  }

  @Test func errorsNameTheColumn() throws {
    let cases: [(String, String)] = [
      ("metrics.f1 >", "at the end: expected a value"),
      ("metrics.f1 > 0.8 and", "at the end: expected a field"),
      ("(metrics.f1 > 0.8", "at the end: expected ')'"),
      ("metrics.f1 > 0.8)", "column 17: expected 'and', 'or' or the end"),
      ("metrics.f1 = adam", "column 14: expected a value, found 'adam' (quote text: 'adam')"),
      ("params.x in 1", "column 13: expected '(' after 'in'"),
      ("params.x is there", "column 13: expected 'missing' after 'is'"),
      ("params.x ! 1", "column 10: '!' stands alone"),
      ("params.x = 1e999", "column 12: '1e999' is not a number"),
      ("size > 3", "column 1: unknown field 'size'"),
      ("params.x = 1 # 2", "column 14: unexpected '#'"),
      ("metrics.f1[a > 1", "column 11: '[' is not closed"),
    ]
    for (text, message) in cases {
      #expect(throws: LifecycleError.self, "\(text)") { try RunFilter.parse(text) }
      do {
        _ = try RunFilter.parse(text)
      } catch let error as LifecycleError {
        #expect(error.message.contains(message), "\(text): \(error.message)")
      }
    }
    let deep = String(repeating: "not ", count: 200) + "params.x = 1"
    #expect(throws: LifecycleError.self) { try RunFilter.parse(deep) }
    #expect(throws: LifecycleError.self) { try RunFilter.parse(String(repeating: "(", count: 20_000)) }
  }

  @Test func seededSplitsAreExactAndReproducible() throws {
    let items = (0..<103).map { "i\($0)" }.sorted()
    let a = try SplitSource.rule("train=0.8,dev=0.1,test=0.1", seed: 42).resolve(items: items, dataset: "d")
    let b = try SplitSource.rule("train=0.8,dev=0.1,test=0.1", seed: 42).resolve(items: items, dataset: "d")
    #expect(a.bytes == b.bytes)
    #expect(a.summary.counts == ["train": 82, "dev": 10, "test": 11] || a.summary.counts == ["train": 83, "dev": 10, "test": 10])
    #expect(a.summary.counts.values.reduce(0, +) == 103)
    #expect(a.summary.unassigned == 0)
    #expect(throws: LifecycleError.self) { try SplitSource.parseRule("train=0.8,train=0.2") }
    #expect(throws: LifecycleError.self) { try SplitSource.parseRule("train=1.5") }
    #expect(throws: LifecycleError.self) { try SplitSource.parseRule("train=0,dev=1") }
    #expect(throws: LifecycleError.self) { try SplitSource.parseRule("train=nan") }
  }
}

extension RunFilterTests {
  @Test func aFilterIsBoundedInDepthAndSize() throws {
    let wide = (0..<201).map { "params.x = \($0)" }.joined(separator: " or ")
    #expect(throws: LifecycleError.self) { try RunFilter.parse(wide) }
    let fine = (0..<200).map { "params.x = \($0)" }.joined(separator: " or ")
    #expect(try RunFilter.parse(fine).matches { $0 == "params.x" ? .number(199) : nil })
  }
}
