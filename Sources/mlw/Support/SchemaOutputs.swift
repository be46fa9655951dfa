import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

// What the commands of the label schema share (`manager schema set|show`).

/// What `schema set` and `schema show` print.
struct LabelSchemaOutput: CommandOutput {
  var version: Int
  var schema: LabelSchema

  func render() -> String {
    var table = TextTable(["LABEL", "DEFINITION"])
    for label in schema.labels { table.add([label.name, label.definition]) }
    return "label schema v\(version): \(schema.task.rawValue), agreement at the \(schema.level.rawValue) level\n" + table.render(indent: "  ")
  }
}
