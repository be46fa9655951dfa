import Foundation
import Lifecycle
import VersionedStore

/// A command with arguments that name files on the machine it runs on. On the server those
/// paths are relative to the root and must stay inside it (see `FileConfinement`).
protocol NamesFiles {
  var fileArguments: [String] { get }
}

extension Mlw.Stats.Agreement: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Stats.Classification: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Stats.Drift: NamesFiles { var fileArguments: [String] { [reference, current] } }
extension Mlw.Stats.Rank: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Lead.MetricPolicy.Rank: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Sme.MetricPolicy.Rank: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Manager.Dataset.Import: NamesFiles { var fileArguments: [String] { [options.file] } }
extension Mlw.Engineer.Dataset.Import: NamesFiles { var fileArguments: [String] { [options.file] } }
extension Mlw.Manager.Gold.Set: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Manager.Labels.Import: NamesFiles { var fileArguments: [String] { [file] } }
extension Mlw.Manager.Export: NamesFiles { var fileArguments: [String] { output.map { [$0] } ?? [] } }

/// Keeps file arguments of server requests inside the root: the server runs with the root as its
/// working folder, and a path must be relative, must not climb (`..`), must not name a hidden
/// file or folder (the team roster lives in `.team/`), and must resolve, links followed, to a
/// place inside the root.
enum FileConfinement {
  static func check(_ path: String, root: String) throws {
    func refuse(_ why: String) -> WireError {
      WireError(.notPermitted, "file '\(path)' \(why); on the server, files are named relative to the root and stay inside it",
        data: .object(["category": .string(ErrorCategory.notPermitted.rawValue), "exitCode": .int(5)]))
    }
    guard !path.isEmpty else { throw refuse("is empty") }
    guard !path.hasPrefix("/"), !path.hasPrefix("~") else { throw refuse("is absolute") }
    let parts = path.split(separator: "/", omittingEmptySubsequences: true)
    if parts.contains("..") { throw refuse("climbs out with '..'") }
    if parts.contains(where: { $0.hasPrefix(".") && $0 != "." }) { throw refuse("names a hidden file or folder") }
    // Links: the deepest existing ancestor must resolve inside the root.
    var probe = root + "/" + path
    while !FileManager.default.fileExists(atPath: probe), probe.count > root.count { probe = FileIO.parentPath(probe) }
    guard let resolved = realpath(probe, nil) else { return }
    defer { free(resolved) }
    let real = String(cString: resolved)
    guard real == root || real.hasPrefix(root + "/") else { throw refuse("leads outside the root through a link") }
  }
}
