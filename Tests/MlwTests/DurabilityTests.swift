import Foundation
import Lifecycle
import Testing
import VersionedStore

/// Kills real writer processes and checks what they acknowledged. Serialized: the kill timing
/// means most when the machine is not also running the other suites' processes.
@Suite(.serialized) struct DurabilityTests {
  /// Starts `store-writer` with its stdout going to a file, so that nothing it printed before the
  /// kill is lost in a pipe.
  func startWriter(_ root: String, workspace: String = "demo", _ arguments: [String], output: String) throws -> Process {
    _ = FileManager.default.createFile(atPath: output, contents: nil)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: Products.path("store-writer"))
    process.arguments = [root, workspace] + arguments
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: output))
    process.standardError = FileHandle.nullDevice
    try process.run()
    return process
  }

  @Test func everyAcknowledgedWriteSurvivesSIGKILLAtRandomInstants() throws {
    let root = makeTemporaryFolder("mlw-crash")
    var generator = SystemRandomNumberGenerator()
    var kills = 0
    var tornTailsSeen = 0
    var totalVersions = 0
    // Twenty writers in a row work on one workspace, each starting from what the killed one
    // left (a torn tail, a temp file, a missing journal line); then a fresh workspace, so that
    // the fsck after every kill stays quick.
    for group in 0..<11 {
      let name = "demo-\(group)"
      let workspace = try Root(path: root).createWorkspace(name: name, title: "crash", lead: "writer", now: Date()).0
      let record = RecordPath(trusted: ["runs", "crash"])
      let log = EventLog(path: workspace.folder + "/labels/crash/writer.jsonl", kind: "crash-events", schemaVersion: 1)
      var acknowledgedVersions = 0
      var acknowledgedSeq = 0
      for iteration in 0..<20 {
        let output = root + "/../writer-\(group)-\(iteration).out"
        let process = try startWriter(root, workspace: name, ["crash"], output: output)
        // From 0 to 40 ms: some kills land during start-up, most in the middle of a publish,
        // an fsync or a batch append.
        usleep(UInt32.random(in: 0...40_000, using: &generator))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { kills += 1 }

        for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
          let words = line.split(separator: " ")
          if words.first == "doc", let v = Int(words[1]) { acknowledgedVersions = max(acknowledgedVersions, v) }
          if words.first == "event", let seq = words.last.flatMap({ Int($0) }) { acknowledgedSeq = max(acknowledgedSeq, seq) }
        }

        let report = try Root(path: root).fsck(workspace: name, repair: false)
        #expect(report.corrupt.isEmpty, "after kill \(iteration) in \(name): \(report.corrupt)")
        tornTailsSeen += report.findings.filter { $0.problem.contains("torn") }.count

        // Every acknowledged version is there, complete, with the content that was written.
        let latest = try workspace.documents.latestVersion(of: record)
        #expect(latest >= acknowledgedVersions)
        if acknowledgedVersions > 0 {
          let stored = try workspace.documents.read(record, version: acknowledgedVersions)
          #expect(stored.envelope.body["n"] == .int(acknowledgedVersions))
        }
        let events = try log.read().events
        #expect((events.last?.seq ?? 0) >= acknowledgedSeq)
        #expect(events.map(\.seq) == Array(stride(from: 1, through: events.count, by: 1)))
        if !report.corrupt.isEmpty { return }
      }
      // What is left is only crash artifacts, and repair clears them without losing anything.
      let repaired = try Root(path: root).fsck(workspace: name, repair: true)
      #expect(repaired.corrupt.isEmpty)
      #expect(try Root(path: root).fsck(workspace: name, repair: false).findings.isEmpty)
      let latest = try workspace.documents.latestVersion(of: record)
      #expect(try workspace.documents.history(record).map { $0.envelope.body["n"] } == (0..<latest).map { .int($0 + 1) })
      #expect(try log.read().events.count >= acknowledgedSeq)
      totalVersions += acknowledgedVersions
    }
    #expect(kills >= 200)
    #expect(totalVersions > 50, "the writers made too little progress to test anything")
    print("crash test: \(kills) kills, \(totalVersions) acknowledged versions, \(tornTailsSeen) torn tails seen")
  }

  @Test func concurrentProcessesLoseNoUpdate() throws {
    let root = makeTemporaryFolder("mlw-contend")
    _ = try Root(path: root).createWorkspace(name: "demo", title: "contention", lead: "writer", now: Date())
    let workers = 6
    let attempts = 60
    var processes: [(Process, String)] = []
    for worker in 0..<workers {
      let output = root + "/../contend-\(worker).out"
      processes.append((try startWriter(root, ["contend", String(attempts)], output: output), output))
    }
    var successes: [Int] = []
    var conflicts = 0
    for (process, output) in processes {
      process.waitUntilExit()
      #expect(process.terminationStatus == 0)
      for line in try String(contentsOfFile: output, encoding: .utf8).split(separator: "\n") {
        if line.hasPrefix("ok "), let v = Int(line.dropFirst(3)) {
          successes.append(v)
        } else if line == "conflict" {
          conflicts += 1
        } else {
          Issue.record("unexpected outcome: \(line)")
        }
      }
    }
    let workspace = try Root(path: root).workspace("demo")
    let record = RecordPath(trusted: ["runs", "shared"])
    let latest = try workspace.documents.latestVersion(of: record)
    #expect(successes.count + conflicts == workers * attempts)
    #expect(latest == successes.count)
    #expect(successes.sorted() == Array(1...latest))  // each version won by exactly one writer
    #expect(conflicts > 0, "no contention happened; the test proved nothing")
    #expect(try Root(path: root).fsck(workspace: "demo", repair: false).findings.isEmpty)
    print("contention test: \(successes.count) published, \(conflicts) conflicts")
  }
}
