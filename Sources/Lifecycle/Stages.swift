/// Where each lifecycle stage keeps its records inside a workspace folder, and what the next
/// step is when one is missing. The order is the order of the loop in DOMAIN.md.
public struct StagePart: Sendable {
  public enum Shape: String, Sendable, Encodable {
    /// One versioned record at this path.
    case record
    /// A folder of versioned records, one per id.
    case collection
    /// A folder of append-only logs.
    case logs
  }

  public let path: String
  public let shape: Shape
  /// What a person does to fill this part in.
  public let nextStep: String
}

public struct Stage: Sendable {
  public let name: String
  public let parts: [StagePart]

  /// The lifecycle of DOMAIN.md: planning, data, training, deployment.
  public static let all: [Stage] = [
    Stage(
      name: "planning",
      parts: [
        StagePart(
          path: "scope", shape: .record, nextStep: "the lead writes the scope (mlw lead scope set) and the SME the business goal (mlw sme goal set)"),
        StagePart(path: "feasibility", shape: .record, nextStep: "the lead and the SME score feasibility and impact (mlw lead feasibility score)"),
        StagePart(
          path: "metric-policy", shape: .record, nextStep: "the lead and the SME choose the single-number metric policy (mlw lead metric-policy set)"),
        StagePart(
          path: "baselines", shape: .collection,
          nextStep: "the SME records a human-level baseline (mlw sme baseline add); the engineer adds the others"),
      ]),
    Stage(
      name: "data",
      parts: [
        StagePart(path: "label-schema", shape: .record, nextStep: "the annotation manager defines the label schema (mlw manager schema set)"),
        StagePart(
          path: "guidelines", shape: .record, nextStep: "the annotation manager writes the annotation guidelines (mlw manager guidelines set)"),
        StagePart(path: "datasets", shape: .collection, nextStep: "a manager or an engineer imports a dataset (mlw manager dataset import)"),
        StagePart(path: "assignments", shape: .collection, nextStep: "the annotation manager assigns a dataset to annotators (mlw manager assign)"),
        StagePart(path: "labels", shape: .logs, nextStep: "annotators label the items assigned to them (mlw annotator next)"),
      ]),
    Stage(
      name: "training",
      parts: [
        StagePart(
          path: "runs", shape: .collection,
          nextStep: "the engineer starts a training run pinned to a dataset version (mlw engineer run start ID --dataset NAME)"),
        StagePart(
          path: "evaluations", shape: .collection,
          nextStep: "the engineer evaluates a run on its dev split (mlw engineer run evaluate ID --split dev --predictions FILE)"),
        StagePart(
          path: "error-tags", shape: .collection,
          nextStep: "the engineer looks at a sample of the dev errors and tags them (mlw engineer errors sample ID --split dev)"),
      ]),
    Stage(
      name: "deployment",
      parts: [
        StagePart(path: "readiness", shape: .record, nextStep: "the lead scores production readiness, the ML Test Score (mlw lead readiness set)"),
        StagePart(
          path: "models", shape: .collection,
          nextStep: "the engineer registers the best run's model with its card (mlw engineer model register NAME --run RUN)"),
        StagePart(
          path: "signoffs", shape: .collection,
          nextStep: "the SME checks a model version against the gate and signs it off (mlw sme signoff check NAME@V)"),
        StagePart(
          path: "deployments", shape: .collection,
          nextStep: "the engineer deploys an approved version (mlw engineer deployment start NAME@V --target T --form streaming-api)"),
        StagePart(
          path: "monitors", shape: .collection,
          nextStep: "the engineer records a reference sample and production windows (mlw engineer monitor reference T FILE)"),
      ]),
  ]
}
