import ArgumentParser
import Foundation
import Lifecycle
import Statistics
import VersionedStore

// What the commands of datasets share (`manager|engineer dataset …`).

/// The options of `dataset import`, shared by the manager's and the engineer's commands.
struct DatasetImportOptions: ParsableArguments {
  @Argument(help: "The dataset name ([a-z0-9][a-z0-9._-]{0,63}).", completion: Completions.datasets) var dataset: String
  @Argument(help: "JSON Lines or CSV: an id per item, and a payload or a uri.") var file: InputFile
  @Flag(help: "Publish a new version even though it changes or removes existing items.") var allowChanges = false
  @Option(help: "Why; recorded in the history.") var message: String?
  @Option(help: "Fail unless the dataset is still at this version.") var ifVersion: Int?
}

/// What `dataset import` prints.
struct DatasetImportOutput: CommandOutput {
  var dataset: StoredDataset
  var unchanged: Bool

  func render() -> String {
    let d = dataset.dataset
    if unchanged { return "dataset \(dataset.id) v\(dataset.version) holds these items already (\(d.items)); nothing published\n" }
    return """
      dataset \(dataset.id) v\(dataset.version): \(d.count) items, \(d.items)
        \(d.changes.added) added, \(d.changes.removed) removed, \(d.changes.changed) changed

      """
  }
}

func importDataset(_ options: DatasetImportOptions, _ context: CommandContext) throws -> DatasetImportOutput {
  _ = try Name(options.dataset, what: "dataset name")
  let items = try ItemsInput.read(file: try context.path(reading: options.file))
  let (stored, unchanged) = try context.requireWorkspace().importDataset(
    options.dataset, items: items, source: (options.file.given as NSString).lastPathComponent, allowChanges: options.allowChanges,
    actor: try context.requireActor(), message: options.message, ifVersion: options.ifVersion, now: context.now)
  return DatasetImportOutput(dataset: stored, unchanged: unchanged)
}

/// What `dataset list` prints.
struct DatasetListOutput: CommandOutput {
  var datasets: [StoredDataset]

  func render() -> String {
    guard !datasets.isEmpty else { return "no datasets yet: import one (mlw manager dataset import NAME FILE)\n" }
    var table = TextTable(["DATASET", "VERSION", "ITEMS", "SHA-256", "BY", "WHEN"], alignments: [.left, .right, .right, .left, .left, .left])
    for d in datasets {
      table.add([d.id, "v\(d.version)", String(d.dataset.count), String(d.dataset.items.prefix(19)) + "…", d.author, shortTime(d.time)])
    }
    return table.render()
  }
}

func listDatasets(_ context: CommandContext) throws -> DatasetListOutput {
  let workspace = try context.requireWorkspace()
  return DatasetListOutput(datasets: try workspace.datasetIDs().map { try workspace.dataset($0) })
}

/// What `dataset show` prints: every version with its hash and changes.
struct DatasetVersionsOutput: CommandOutput {
  var dataset: String
  var versions: [StoredDataset]

  func render() -> String {
    var table = TextTable(
      ["VERSION", "ITEMS", "ADDED", "REMOVED", "CHANGED", "SHA-256", "BY", "WHEN", "MESSAGE"],
      alignments: [.right, .right, .right, .right, .right, .left, .left, .left, .left])
    for d in versions {
      let c = d.dataset.changes
      table.add([
        "v\(d.version)", String(d.dataset.count), String(c.added), String(c.removed), String(c.changed), d.dataset.items, d.author, shortTime(d.time),
        d.message,
      ])
    }
    return "dataset \(dataset)\n" + table.render(indent: "  ")
  }
}

func showDataset(_ context: CommandContext, _ dataset: String) throws -> DatasetVersionsOutput {
  DatasetVersionsOutput(dataset: dataset, versions: try context.requireWorkspace().datasetVersions(dataset))
}
