import Testing

@testable import Statistics

/// One definition of a metric's direction: words of the name, never substrings; a given
/// direction wins; an unknown name is higher-is-better and says it was assumed.
@Suite struct MetricDirectionTests {
  @Test func namesAreReadAsWholeWords() {
    for name in [
      "error", "val_loss", "latency_ms", "p95_latency", "inference_seconds", "mae", "mse", "rmse", "log_loss", "cost", "top1-error", "losses", "fpr",
      "false_positive_rate", "miss_rate", "duration_s", "inference_time",
    ] {
      #expect(MetricDirection.resolve(name).direction == .lower, "\(name)")
      #expect(MetricDirection.resolve(name).source == .name, "\(name)")
    }
    for name in ["cost_savings", "loss_reduction", "error_free_rate", "time_saved", "accuracy", "f1", "recall[defect]", "accuracy[region=eu]"] {
      #expect(MetricDirection.resolve(name).direction == .higher, "\(name)")
      #expect(MetricDirection.resolve(name).isKnown, "\(name)")
    }
    // Substrings are not words: a terror score, an errorless count, a lossy flag say nothing.
    for name in ["terror_score", "errorless", "lossy", "msec_budget_left", "widgets"] {
      let resolved = MetricDirection.resolve(name)
      #expect(resolved.direction == .higher && resolved.source == .assumed, "\(name)")
      #expect(resolved.reason.contains("assumed") && resolved.reason.contains("\(name):min"), "\(name)")
    }
    // A time unit counts only as the last word of a longer name.
    #expect(MetricDirection.resolve("ms").source == .assumed)
    #expect(MetricDirection.fromName("Latency_MS")?.0 == .lower)
  }

  @Test func aGivenDirectionWins() {
    #expect(MetricDirection.resolve("error", given: ["error": .higher]).direction == .higher)
    #expect(MetricDirection.resolve("widgets", given: ["widgets": .lower]).source == .given)
    #expect(MetricDirection.split("error:min")! == ("error", .lower))
    #expect(MetricDirection.split("acc:max")! == ("acc", .higher))
    #expect(MetricDirection.split("acc")! == ("acc", nil))
    #expect(MetricDirection.split("acc:up") == nil)
  }

  let models: [(name: String, metrics: [String: Double])] = [
    ("slow", ["acc": 0.9, "latency_ms": 300, "error": 0.10, "widgets": 3]),
    ("fast", ["acc": 0.9, "latency_ms": 20, "error": 0.30, "widgets": 1]),
    ("mid", ["acc": 0.8, "latency_ms": 100, "error": 0.20, "widgets": 2]),
  ]

  @Test func lowerIsBetterMetricsRankTheirSmallestFirst() throws {
    let byError = try MetricPolicy.single("error").rank(models)
    #expect(byError.map(\.model) == ["slow", "mid", "fast"])
    #expect(MetricPolicy.single("error").description == "minimise error")
    // Given against the name: error as something to make large.
    #expect(try MetricPolicy.single("error").rank(models, directions: ["error": .higher]).first?.model == "fast")
    // Two lower-is-better metrics average as they are, smallest first.
    let both = try MetricPolicy.average(["error", "latency_ms"]).rank(models)
    #expect(both.first?.model == "fast" && both.first.map { abs($0.score - 10.15) < 1e-12 } == true)
    // Optimise a lower metric among models meeting a bar.
    let bar = MetricPolicy.optimize(metric: "latency_ms", requirements: [.init(metric: "acc", comparison: .atLeast, threshold: 0.85)])
    #expect(try bar.rank(models).map(\.model) == ["fast", "slow", "mid"])
    #expect(bar.description == "minimise latency_ms subject to acc >= 0.85")
  }

  @Test func mixedAveragesNegateTheLowerMetricsAndRefuseGuesses() throws {
    let weights = MetricPolicy.weightedAverage([.init(metric: "acc", weight: 0.7), .init(metric: "latency_ms", weight: 0.3)])
    let ranked = try weights.rank(models)
    #expect(ranked.map(\.model) == ["fast", "mid", "slow"])
    #expect(abs(ranked[0].score - (0.7 * 0.9 - 0.3 * 20)) < 1e-12)
    #expect(weights.description == "maximise the weighted average 0.7×acc − 0.3×latency_ms (lower-is-better metrics enter negated)")
    // widgets' direction is only assumed: its sign in a mix with error would be a guess.
    #expect(throws: PolicyProblem.mixedDirections(assumed: ["widgets"])) { try MetricPolicy.average(["error", "widgets"]).rank(models) }
    #expect(try MetricPolicy.average(["error", "widgets"]).rank(models, directions: ["widgets": .higher]).count == 3)
    // All assumed and all one way is not a mix.
    #expect(try MetricPolicy.average(["widgets"]).rank(models).first?.model == "slow")
    #expect(MetricPolicy.average(["error", "widgets"]).directions().map(\.source) == [.name, .assumed])
  }
}
