/// One difference between two JSON values: where, and the value on each side (nil: absent).
public struct JSONChange: Sendable, Equatable, Encodable {
  /// The location, as `members[0].roles` (keys that are not plain words are quoted: `["a b"]`).
  public var path: String
  public var old: JSONValue?
  public var new: JSONValue?

  public init(path: String, old: JSONValue?, new: JSONValue?) {
    self.path = path
    self.old = old
    self.new = new
  }

  enum CodingKeys: String, CodingKey { case path, old, new }

  /// Absent sides are written as absent keys, so that `null` keeps meaning a stored null.
  public func encode(to encoder: any Encoder) throws {
    var container = encoder.container(keyedBy: CodingKeys.self)
    try container.encode(path, forKey: .path)
    try container.encodeIfPresent(old, forKey: .old)
    try container.encodeIfPresent(new, forKey: .new)
  }
}

extension JSONValue {
  /// The leaf-level changes from `old` to `new`, in path order. Objects are compared key by key,
  /// arrays index by index (an insertion in the middle shows as changes to every later index,
  /// which is the honest reading of a positional list).
  public static func changes(from old: JSONValue, to new: JSONValue) -> [JSONChange] {
    var result: [JSONChange] = []
    collect(old, new, path: "", into: &result)
    return result
  }

  private static func collect(_ old: JSONValue?, _ new: JSONValue?, path: String, into result: inout [JSONChange]) {
    switch (old, new) {
    case (.object(let a)?, .object(let b)?):
      for key in Set(a.keys).union(b.keys).sorted() {
        collect(a[key], b[key], path: join(path, key: key), into: &result)
      }
    case (.array(let a)?, .array(let b)?):
      for index in 0..<max(a.count, b.count) {
        collect(index < a.count ? a[index] : nil, index < b.count ? b[index] : nil, path: path + "[\(index)]", into: &result)
      }
    case (let a?, let b?) where a.sameValue(as: b):
      return
    case (nil, nil):
      return
    default:
      result.append(JSONChange(path: path.isEmpty ? "(whole)" : path, old: old, new: new))
    }
  }

  private static func join(_ path: String, key: String) -> String {
    let plain =
      !key.isEmpty
      && key.utf8.allSatisfy { b in
        (b >= 97 && b <= 122) || (b >= 65 && b <= 90) || (b >= 48 && b <= 57) || b == 95 || b == 45
      }
    if plain { return path.isEmpty ? key : path + "." + key }
    return path + "[" + JSONValue.string(key).canonicalString(pretty: false) + "]"
  }
}
