// A child process for the durability tests. It writes through the real store code and prints one
// line per write *after* the write returned (and so after its fsync): the test kills it at random
// instants and then checks that every line it printed names data that is on disk.
//
//   store-writer ROOT WORKSPACE crash          publish and append forever
//   store-writer ROOT WORKSPACE contend COUNT  COUNT read-modify-write updates of one record

import Foundation
import Lifecycle
import VersionedStore

func say(_ line: String) {
  FileHandle.standardOutput.write(Data((line + "\n").utf8))
}

let arguments = CommandLine.arguments
guard arguments.count >= 4 else {
  FileHandle.standardError.write(Data("usage: store-writer ROOT WORKSPACE crash|contend [COUNT]\n".utf8))
  exit(2)
}
let workspace = try Root(path: arguments[1]).workspace(arguments[2])
let actor = Actor(name: "writer", role: .engineer)
let pid = ProcessInfo.processInfo.processIdentifier

switch arguments[3] {
case "crash":
  let record = RecordPath(trusted: ["runs", "crash"])
  let log = EventLog(path: workspace.folder + "/labels/crash/writer.jsonl", kind: "crash-events", schemaVersion: 1)
  var round = 0
  while true {
    round += 1
    let latest = try workspace.documents.latestVersion(of: record)
    let draft = DocumentDraft(
      kind: "crash-test", schemaVersion: 1, author: actor.name, role: actor.role.rawValue, time: Date(),
      message: "round \(round)", body: .object(["n": .int(latest + 1), "pid": .int(Int(pid))]))
    let stored = try workspace.publish(record, draft, expecting: latest)
    say("doc \(stored.envelope.version)")
    let single = try log.append(EventDraft(author: actor.name, role: "engineer", time: Date(), body: .object(["round": .int(round)])))
    say("event \(single.seq)")
    let batch = try log.append(
      batch: (0..<40).map { i in
        EventDraft(author: actor.name, role: "engineer", time: Date(), body: .object(["round": .int(round), "i": .int(i)]))
      })
    say("event \(batch.first!.seq) \(batch.last!.seq)")
  }
case "contend":
  let record = RecordPath(trusted: ["runs", "shared"])
  let count = Int(arguments.count > 4 ? arguments[4] : "10") ?? 10
  for attempt in 0..<count {
    let latest = try workspace.documents.latestVersion(of: record)
    let body: JSONValue = .object(["writer": .int(Int(pid)), "attempt": .int(attempt)])
    let draft = DocumentDraft(
      kind: "contention-test", schemaVersion: 1, author: actor.name, role: actor.role.rawValue, time: Date(),
      message: "attempt \(attempt)", body: body)
    do {
      let stored = try workspace.publish(record, draft, expecting: latest)
      say("ok \(stored.envelope.version)")
    } catch let error as StoreError {
      if case .conflict = error { say("conflict") } else { say("error \(error.message)") }
    }
  }
default:
  FileHandle.standardError.write(Data("unknown mode \(arguments[3])\n".utf8))
  exit(2)
}
