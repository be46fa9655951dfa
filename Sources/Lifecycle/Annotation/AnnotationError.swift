import VersionedStore

/// Failures of the annotation commands; each message says what was wrong and what to do.
public enum AnnotationError: CategorizedError, Equatable {
  case noLabelSchema
  case noGuidelines
  case unknownDataset(name: String, known: [String])
  case unknownItem(item: String, dataset: String)
  case noAssignment(dataset: String)
  case notAssigned(item: String, annotator: String, dataset: String)
  case notInAssignment(annotator: String, dataset: String)
  /// `open`: the datasets named have open work (or hold the item); else every one is finished.
  case whichDataset(annotator: String, datasets: [String], open: Bool)
  case noLabels(dataset: String)
  case changedItems(dataset: String, changed: Int, removed: Int, first: String)
  case labelerMismatch(name: String, actor: String)

  public var category: ErrorCategory {
    switch self {
    case .noLabelSchema, .noGuidelines, .noAssignment, .noLabels: .notFound
    case .unknownDataset, .unknownItem: .notFound
    case .notAssigned, .notInAssignment, .labelerMismatch: .notPermitted
    case .whichDataset: .invalidInput
    case .changedItems: .conflict
    }
  }

  public var message: String {
    switch self {
    case .noLabelSchema:
      return "no label schema yet: the annotation manager defines it first (mlw manager schema set)"
    case .noGuidelines:
      return "no guidelines yet: the annotation manager writes them first (mlw manager guidelines set)"
    case .unknownDataset(let name, let known):
      let list = known.isEmpty ? "there are none yet; import one with 'mlw manager dataset import'" : "datasets are " + known.joined(separator: ", ")
      return "no dataset '\(name)' in this workspace; \(list)"
    case .unknownItem(let item, let dataset):
      return "no item '\(item)' in dataset '\(dataset)'; 'mlw manager dataset show \(dataset)' lists its versions"
    case .noAssignment(let dataset):
      return "dataset '\(dataset)' is not assigned to annotators yet; the manager assigns it (mlw manager assign \(dataset) --overlap K)"
    case .notAssigned(let item, let annotator, let dataset):
      return "item '\(item)' of dataset '\(dataset)' is not assigned to \(annotator); 'mlw annotator next' shows your items"
    case .notInAssignment(let annotator, let dataset):
      return
        "\(annotator) has no items in dataset '\(dataset)'; the manager re-assigns it to take in new annotators (mlw manager assign \(dataset) --overlap K)"
    case .whichDataset(let annotator, let datasets, let open):
      if datasets.isEmpty { return "\(annotator) has no assigned work in this workspace yet; the annotation manager assigns it (mlw manager assign)" }
      return open
        ? "\(annotator) has work in several datasets (\(datasets.joined(separator: ", "))); name one with --dataset"
        : "\(annotator) has finished every assigned dataset (\(datasets.joined(separator: ", "))); name one with --dataset to see it"
    case .noLabels(let dataset):
      return "dataset '\(dataset)' has no labels yet; annotators label it (mlw annotator next), or import labels (mlw manager labels import)"
    case .changedItems(let dataset, let changed, let removed, let first):
      let what = [changed > 0 ? "changes \(changed)" : nil, removed > 0 ? "removes \(removed)" : nil].compactMap { $0 }.joined(separator: " and ")
      return
        "the import \(what) existing item(s) of dataset '\(dataset)', first '\(first)'; items are never changed or removed silently: pass --allow-changes to publish a new version with them (added items need no flag)"
    case .labelerMismatch(let name, let actor):
      return "you are \(actor), so you cannot label as \(name); each annotator labels as themselves"
    }
  }
}
