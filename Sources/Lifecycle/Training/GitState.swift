import Foundation
import VersionedStore

/// What a git working tree says about the code a run trains with: the commit, whether the tree
/// has uncommitted changes, and the hash of `git diff HEAD` when it has. Read on the command
/// line only (`run start --repo DIR`): it runs git on a folder of this machine.
public enum GitState {
  public static func read(repo: String) throws -> Run.Code {
    guard FileIO.isDirectory(repo) else {
      throw LifecycleError.invalidValue(what: "--repo", reason: "'\(repo)' is not a folder; give a git working tree, or --code COMMIT")
    }
    let head = try git(["rev-parse", "HEAD"], in: repo).trimmingCharacters(in: .whitespacesAndNewlines)
    try Run.checkCommit(head)
    let status = try git(["status", "--porcelain", "--untracked-files=no"], in: repo)
    let dirty = !status.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
    let diff = dirty ? ContentHash.of(Array(try git(["diff", "HEAD", "--no-color"], in: repo).utf8)) : nil
    return Run.Code(commit: head, dirty: dirty, diff: diff)
  }

  static func git(_ arguments: [String], in repo: String) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["git", "-C", repo] + arguments
    let output = Pipe()
    process.standardOutput = output
    process.standardError = Pipe()
    do { try process.run() } catch {
      throw LifecycleError.invalidValue(what: "--repo", reason: "git could not be run (\(error.localizedDescription)); give --code COMMIT instead")
    }
    let data = output.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw LifecycleError.invalidValue(
        what: "--repo", reason: "'\(repo)' is not a git working tree with a commit (git \(arguments[0]) failed); give --code COMMIT instead")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
