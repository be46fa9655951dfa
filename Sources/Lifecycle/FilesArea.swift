import Foundation
import VersionedStore

#if canImport(Glibc)
  import Glibc
#endif

/// A workspace's files area, `Workspaces/<workspace>/files/`: where the files that commands read
/// and write over the server live (uploads, inputs, exports). On the server every file argument
/// resolves inside it and nowhere else; stored records are outside it, so no file argument can
/// reach one.
///
/// The rules, checked in this order, each refusal naming the path and the rule and saying
/// nothing about what lies outside: a name is relative, has no `..` and no hidden part; every
/// link on the way is resolved and must stay inside the area (a link that leads outside and one
/// that leads nowhere are refused alike); a file read is a regular file; a write never replaces
/// a file unless asked to (`--force`), and then only a regular file inside the area.
public struct FilesArea: Sendable {
  /// The area's folder.
  public let folder: String
  let workspace: String

  public static let folderName = "files"

  /// Why a path was refused.
  public struct Refusal: CategorizedError, Equatable {
    public let path: String
    public let rule: String
    public let workspace: String
    public var category: ErrorCategory { .notPermitted }

    public init(path: String, rule: String, workspace: String) {
      self.path = path
      self.rule = rule
      self.workspace = workspace
    }
    public var message: String {
      let shown = path.count > 80 ? String(path.prefix(60)) + "…" : path
      return "file '\(shown)' \(rule); on the server, files are named relative to the files area of workspace '\(workspace)' "
        + "(\(FilesArea.folderName)/) and stay inside it"
    }
  }

  /// What a write may do to a file that exists.
  public enum Replacing: Sendable {
    case never, regularFileInside
  }

  /// The path of `given` for reading: an existing regular file inside the area.
  public func reading(_ given: String) throws -> String {
    let path = try resolve(given)
    var info = stat()
    guard lstat(path, &info) == 0 else {
      throw StoreError.notFound(
        what: "file '\(given)' in the files area of '\(workspace)'", hint: "send it first (a JSON-RPC file param {\"name\", \"content\"})")
    }
    guard info.st_mode & S_IFMT == S_IFREG else { throw Refusal(path: given, rule: "is not a regular file", workspace: workspace) }
    guard info.st_nlink == 1 else { throw Refusal(path: given, rule: "has another hard link (it may be a file elsewhere)", workspace: workspace) }
    return path
  }

  /// The path of `given` for reading a folder (an MLflow store): an existing folder inside the
  /// area, reached without a link that leads out. What lies inside it is the reader's to check:
  /// the MLflow reader follows no link and reads only regular files with no other hard link.
  public func readingFolder(_ given: String) throws -> String {
    let path = try resolve(given.hasSuffix("/") ? String(given.dropLast()) : given)
    var info = stat()
    guard lstat(path, &info) == 0 else {
      throw StoreError.notFound(
        what: "folder '\(given)' in the files area of '\(workspace)'", hint: "the folder must be in Workspaces/\(workspace)/files/ on the server")
    }
    guard info.st_mode & S_IFMT == S_IFDIR else { throw Refusal(path: given, rule: "is not a folder", workspace: workspace) }
    return path
  }

  /// The path of `given` for writing: inside the area, its folder existing, and no file there
  /// unless `replacing` allows it.
  public func writing(_ given: String, replacing: Replacing) throws -> String {
    try FileIO.makeDirectories(folder)
    let path = try resolve(given)
    var info = stat()
    if lstat(path, &info) == 0 {
      guard info.st_mode & S_IFMT == S_IFREG else { throw Refusal(path: given, rule: "is not a regular file", workspace: workspace) }
      guard info.st_nlink == 1 else { throw Refusal(path: given, rule: "has another hard link (it may be a file elsewhere)", workspace: workspace) }
      guard replacing == .regularFileInside else {
        throw StoreError.alreadyExists(path: "\(given) (in the files area; pass --force to replace it, or name another file)")
      }
    }
    guard FileIO.isDirectory(FileIO.parentPath(path)) else {
      throw StoreError.notFound(what: "folder of '\(given)' in the files area of '\(workspace)'", hint: "name a file at the top of the area")
    }
    return path
  }

  /// Stores a file sent with a request under `name`. A file of that name with the same content
  /// is kept as it is; one with other content is not replaced (members share the area: one
  /// member's upload must not change the file another is about to import).
  public func store(_ name: String, content: [UInt8]) throws {
    try FileIO.makeDirectories(folder)
    let path = try resolve(name)
    guard FileIO.isDirectory(FileIO.parentPath(path)) else {
      throw StoreError.notFound(what: "folder of '\(name)' in the files area of '\(workspace)'", hint: "send files to the top of the area")
    }
    if try FileIO.publishExclusive(content, at: path) { return }
    var info = stat()
    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG, info.st_nlink == 1, (try? FileIO.read(path)) == content else {
      throw StoreError.alreadyExists(path: "\(name) (a different file of that name is in the files area; send it under another name)")
    }
  }

  /// Refuses `given` unless it names a place inside the area (it need not exist).
  public func check(_ given: String) throws {
    if FileIO.isDirectory(folder) { _ = try resolve(given) } else { try checkName(given) }
  }

  /// Refuses a name no file of a files area can have (before anything is resolved).
  public static func checkName(_ given: String, workspace: String) throws {
    try FilesArea(folder: "", workspace: workspace).checkName(given)
  }

  private func checkName(_ given: String) throws {
    func refuse(_ rule: String) -> Refusal { Refusal(path: given, rule: rule, workspace: workspace) }
    guard !given.isEmpty else { throw refuse("is empty") }
    guard !given.hasPrefix("/"), !given.hasPrefix("~") else { throw refuse("is absolute") }
    guard !given.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F }) else { throw refuse("contains a control character") }
    guard given.utf8.count <= 1024 else { throw refuse("is longer than 1024 bytes") }
    let parts = given.split(separator: "/", omittingEmptySubsequences: true)
    guard !parts.isEmpty else { throw refuse("names no file") }
    if parts.contains("..") { throw refuse("climbs out with '..'") }
    if parts.contains(where: { $0.hasPrefix(".") }) { throw refuse("names a hidden file or folder") }
    if parts.contains(where: { $0.hasPrefix("-") }) { throw refuse("has a part starting with '-' (it would read as an option)") }
    if parts.contains(where: { $0.utf8.count > 255 }) { throw refuse("has a part longer than 255 bytes") }
    guard !given.hasSuffix("/") else { throw refuse("ends with '/' (names a folder, not a file)") }
  }

  /// The absolute path `given` names inside the area, links on the way resolved; refuses any
  /// path that is not plainly inside it.
  func resolve(_ given: String) throws -> String {
    func refuse(_ rule: String) -> Refusal { Refusal(path: given, rule: rule, workspace: workspace) }
    try checkName(given)
    let parts = given.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
    guard let area = Self.realPath(folder) else {
      throw StoreError.notFound(what: "file '\(given)' in the files area of '\(workspace)'", hint: "the area is empty; send the file first")
    }
    var path = area
    for part in parts {
      let next = path + "/" + part
      var info = stat()
      guard lstat(next, &info) == 0 else {
        path = next
        continue
      }
      if info.st_mode & S_IFMT == S_IFLNK {
        guard let target = Self.realPath(next), target == area || target.hasPrefix(area + "/") else {
          throw refuse("leads outside the files area through a link")
        }
        path = target
      } else {
        path = next
      }
    }
    guard path.hasPrefix(area + "/") else { throw refuse("names the files area itself") }
    return path
  }

  static func realPath(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
  }
}

extension Workspace {
  /// This workspace's files area.
  public var files: FilesArea { FilesArea(folder: folder + "/" + FilesArea.folderName, workspace: name) }
}
