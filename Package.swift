// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "mlw",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "mlw", targets: ["mlw"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
    .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
  ],
  targets: [
    .target(name: "Statistics"),
    .target(
      name: "VersionedStore",
      dependencies: [.product(name: "Crypto", package: "swift-crypto")]
    ),
    .target(
      name: "Lifecycle",
      dependencies: ["VersionedStore", "Statistics", .product(name: "Crypto", package: "swift-crypto")]
    ),
    // The TCP line-protocol server: framing, connections, limits, the auth handshake, the
    // worker pool, the response cache. It serves any `Responder` and knows no command.
    .target(
      name: "LineServer",
      dependencies: [
        "VersionedStore",
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ]
    ),
    .executableTarget(
      name: "mlw",
      dependencies: [
        "Lifecycle",
        "LineServer",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ]
    ),
    // A child process for the crash-safety tests: publishes and appends as fast as it can
    // and reports each acknowledged write on stdout, so a test can SIGKILL it at any instant.
    .executableTarget(
      name: "store-writer",
      dependencies: ["Lifecycle"],
      path: "Tests/Support/store-writer"
    ),
    // Builds large synthetic workspaces and measures append throughput for Benchmarks/run.sh.
    .executableTarget(
      name: "mlw-bench",
      dependencies: ["Lifecycle"],
      path: "Benchmarks/mlw-bench"
    ),
    .testTarget(name: "StatisticsTests", dependencies: ["Statistics"], exclude: ["Fixtures"]),
    .testTarget(name: "VersionedStoreTests", dependencies: ["VersionedStore"]),
    .testTarget(name: "LifecycleTests", dependencies: ["Lifecycle"]),
    .testTarget(
      name: "LineServerTests",
      dependencies: ["LineServer", "VersionedStore", .product(name: "NIOConcurrencyHelpers", package: "swift-nio")]
    ),
    .testTarget(
      name: "MlwTests",
      dependencies: ["Lifecycle", "Statistics", "mlw", "store-writer"],
      resources: []
    ),
  ]
)
