import Foundation
import Testing
import VersionedStore

/// The folder with the built products (`mlw`, `store-writer`) of this test run.
enum Products {
  static let folder: String = {
    let candidates = [
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().path,
      URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().deletingLastPathComponent().path,
      packageRoot + "/.build/debug",
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0 + "/mlw") } ?? candidates[2]
  }()

  static let packageRoot: String = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

  static func path(_ name: String) -> String { folder + "/" + name }
}

struct RunResult {
  var status: Int32
  var stdout: String
  var stderr: String

  var json: JSONValue? { try? JSONValue.parse(stdout) }
}

/// Runs a built executable to completion with a clean environment (no MLW_* from the caller).
func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil) throws
  -> RunResult
{
  let process = Process()
  process.executableURL = URL(fileURLWithPath: Products.path(executable))
  process.arguments = arguments
  var env = ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("MLW_") }
  env.merge(environment) { $1 }
  process.environment = env
  if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
  let out = Pipe()
  let err = Pipe()
  process.standardOutput = out
  process.standardError = err
  try process.run()
  // Read both pipes while the process runs, so a large output cannot block it.
  let group = DispatchGroup()
  nonisolated(unsafe) var outData = Data()
  nonisolated(unsafe) var errData = Data()
  DispatchQueue.global().async(group: group) { outData = out.fileHandleForReading.readDataToEndOfFile() }
  DispatchQueue.global().async(group: group) { errData = err.fileHandleForReading.readDataToEndOfFile() }
  group.wait()
  process.waitUntilExit()
  return RunResult(
    status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
    stderr: String(decoding: errData, as: UTF8.self))
}

/// Runs `mlw` against `root`.
func mlw(_ arguments: [String], root: String, as member: String? = nil, workspace: String? = nil) throws -> RunResult {
  var words = arguments + ["--root", root]
  if let member { words += ["--as", member] }
  if let workspace { words += ["--workspace", workspace] }
  return try run("mlw", words)
}

/// Every file under `root` with the hash of its bytes: equal snapshots mean nothing changed.
func snapshot(_ root: String) throws -> [String: String] {
  var result: [String: String] = [:]
  let enumerator = FileManager.default.enumerator(atPath: root)
  while let relative = enumerator?.nextObject() as? String {
    let path = root + "/" + relative
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
      result[relative] = ContentHash.of(try FileIO.read(path))
    }
  }
  return result
}

func makeTemporaryFolder(_ label: String = "mlw-e2e") -> String {
  var template = Array((NSTemporaryDirectory() + "/\(label)-XXXXXX").utf8CString)
  return template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) }
}

/// A root with workspace `demo`: ana (lead), sam (sme), mia (manager), ann (annotator), eve (engineer).
func makeDemoRoot() throws -> String {
  let root = makeTemporaryFolder()
  let created = try mlw(["init", "demo", "--lead", "ana", "--title", "Demo"], root: root)
  #expect(created.status == 0, "\(created.stderr)")
  for (person, role) in [("sam", "sme"), ("mia", "manager"), ("ann", "annotator"), ("eve", "engineer")] {
    let added = try mlw(["lead", "member", "add", person, "--role", role], root: root, as: "ana", workspace: "demo")
    #expect(added.status == 0, "\(added.stderr)")
  }
  return root
}

/// The Python the references run under: `MLW_PYTHON` (set by `scripts/test`), else the
/// repository's `.venv`, else `python3` from the path.
let pythonExecutable: [String] = {
  if let chosen = ProcessInfo.processInfo.environment["MLW_PYTHON"], !chosen.isEmpty { return [chosen] }
  let local = Products.packageRoot + "/.venv/bin/python"
  if FileManager.default.isExecutableFile(atPath: local) { return [local] }
  return ["/usr/bin/env", "python3"]
}()

/// Runs one of the repository's Python scripts, stdout and stderr together.
func runPython(_ script: String, _ arguments: [String]) throws -> RunResult {
  let process = Process()
  process.executableURL = URL(fileURLWithPath: pythonExecutable[0])
  process.arguments = Array(pythonExecutable.dropFirst()) + [Products.packageRoot + "/scripts/" + script] + arguments
  let out = Pipe()
  process.standardOutput = out
  process.standardError = out
  try process.run()
  let data = out.fileHandleForReading.readDataToEndOfFile()
  process.waitUntilExit()
  return RunResult(status: process.terminationStatus, stdout: String(decoding: data, as: UTF8.self), stderr: "")
}

/// Validates every stored file under the roots with Python's `jsonschema` against `schemas/`.
func validateSchemas(_ roots: [String]) throws -> RunResult {
  try runPython("validate_schemas.py", roots)
}
