/// How the values of a rating are measured; fixes Krippendorff's difference function and the
/// weights of the weighted coefficients.
public enum MeasurementLevel: String, Sendable, CaseIterable, Codable {
  case nominal, ordinal, interval, ratio
}

/// Ratings of units by coders, any of them missing: the input of every agreement coefficient.
///
/// Stored sparsely (only the ratings given), grouped by unit, so that a million ratings by a
/// few coders or a few ratings by a thousand coders both take memory in proportion to the
/// ratings. Categories are ordered numerically when every value is a number, else by text.
public struct RatingTable: Sendable {
  public let unitCount: Int
  public let coderCount: Int
  /// The distinct values, in order.
  public let categories: [String]
  /// The numeric value of each category, when every value is a number.
  public let numericValues: [Double]?
  /// Ratings of unit `u` are at `unitStart[u] ..< unitStart[u + 1]`.
  public let unitStart: [Int]
  public let coderOf: [Int32]
  public let categoryOf: [Int32]

  public var ratingCount: Int { coderOf.count }

  /// Why ratings cannot form a table.
  public enum Problem: Error, Equatable, Sendable {
    /// The same coder rated the same unit twice (indexes as given).
    case duplicate(unit: Int, coder: Int)
    /// A value that the given category order does not list.
    case notInOrder(value: String)
  }

  /// Builds a table from ratings given in any order as parallel arrays of unit, coder and value
  /// index, with value indexes into `values` (the distinct raw values, in any order).
  ///
  /// `categoryOrder` fixes the order of the categories (an ordinal scale of named grades); it
  /// must hold every value, and categories it lists that no one used are left out. Without it
  /// the order is numeric when every value is a number, else by text.
  public init(
    unitCount: Int, coderCount: Int, values: [String], unitOf ratingUnit: [Int32], coderOf ratingCoder: [Int32],
    valueOf ratingValue: [Int32], categoryOrder: [String]? = nil
  ) throws(Problem) {
    let numbers = values.map { Double($0) }
    let allNumeric = !values.isEmpty && numbers.allSatisfy { $0 != nil && $0!.isFinite }
    let order: [Int]
    if let categoryOrder {
      let position = Dictionary(categoryOrder.enumerated().map { ($1, $0) }, uniquingKeysWith: { a, _ in a })
      if let stray = values.first(where: { position[$0] == nil }) { throw .notInOrder(value: stray) }
      order = values.indices.sorted { position[values[$0]]! < position[values[$1]]! }
    } else if allNumeric {
      order = values.indices.sorted { numbers[$0]! < numbers[$1]! }
    } else {
      order = values.indices.sorted { values[$0] < values[$1] }
    }
    var rank = [Int32](repeating: 0, count: values.count)
    for (position, index) in order.enumerated() { rank[index] = Int32(position) }
    categories = order.map { values[$0] }
    numericValues = allNumeric && categoryOrder == nil ? order.map { numbers[$0]! } : nil
    self.unitCount = unitCount
    self.coderCount = coderCount

    // Counting sort by unit.
    var start = [Int](repeating: 0, count: unitCount + 1)
    for u in ratingUnit { start[Int(u) + 1] += 1 }
    for u in 0..<unitCount { start[u + 1] += start[u] }
    var fill = start
    var coders = [Int32](repeating: 0, count: ratingUnit.count)
    var cats = [Int32](repeating: 0, count: ratingUnit.count)
    for i in ratingUnit.indices {
      let u = Int(ratingUnit[i])
      let at = fill[u]
      coders[at] = ratingCoder[i]
      cats[at] = rank[Int(ratingValue[i])]
      fill[u] += 1
    }
    // Duplicate (unit, coder): a unit has few ratings, so a quadratic scan per unit is cheap.
    for u in 0..<unitCount {
      let range = start[u]..<start[u + 1]
      for i in range {
        for j in range where j > i && coders[j] == coders[i] {
          throw .duplicate(unit: u, coder: Int(coders[i]))
        }
      }
    }
    unitStart = start
    coderOf = coders
    categoryOf = cats
  }

  /// A table from a coders × units matrix (nil: missing), as published examples print them.
  public init(codersByUnits matrix: [[String?]]) throws(Problem) {
    var values: [String] = []
    var index: [String: Int32] = [:]
    var (ratingUnit, ratingCoder, ratingValue) = ([Int32](), [Int32](), [Int32]())
    let units = matrix.map(\.count).max() ?? 0
    for (coder, row) in matrix.enumerated() {
      for (unit, value) in row.enumerated() {
        guard let value else { continue }
        let v: Int32
        if let known = index[value] {
          v = known
        } else {
          v = Int32(values.count)
          index[value] = v
          values.append(value)
        }
        ratingUnit.append(Int32(unit))
        ratingCoder.append(Int32(coder))
        ratingValue.append(v)
      }
    }
    try self.init(
      unitCount: units, coderCount: matrix.count, values: values, unitOf: ratingUnit, coderOf: ratingCoder,
      valueOf: ratingValue)
  }
}
