import Foundation
import VersionedStore

/// What serves a deployment target now: the version serving all traffic (or the rest, beside a
/// canary), the canary and its share, the versions that served all traffic before (what a
/// rollback goes back to) and the checklist of considerations before deploying (DOMAIN.md,
/// "Deployment and monitoring"). Every change publishes a new version of `deployments/<target>/`
/// (who, when, why). Schema: `schemas/kinds/deployment.schema.json`.
public struct Deployment: DocumentBody, Equatable {
  public static let kind = "deployment"
  public static let schemaVersion = 1
  public static let collection = RecordPath(trusted: ["deployments"])
  public static func path(_ target: String) -> RecordPath { RecordPath(trusted: ["deployments", target]) }

  public enum Form: String, Codable, Sendable, CaseIterable {
    case streamingAPI = "streaming-api"
    case batch
    case onDevice = "on-device"
    case browser
  }

  /// A model version serving a share of the traffic.
  public struct Share: Codable, Sendable, Equatable {
    public var model: String
    public var version: Int
    /// Percent of the traffic, 1 to 100.
    public var traffic: Int
    /// The artifact's hash; nil when the version has no artifact.
    public var sha256: String?

    public var reference: String { "\(model)@\(version)" }
  }

  /// The considerations before deploying, with their ids.
  public static let considerations: [(id: String, text: String)] = [
    ("consent", "data ownership and consent"), ("data-bias", "bias in the data"), ("systemic-bias", "systemic bias"),
    ("feedback-loops", "feedback loops"), ("all-cases", "performance over all expected cases, not only summary metrics"),
    ("user-information", "information about the model for its users"), ("adversarial", "adversarial use and attacks"),
    ("dual-use", "dual use"),
  ]

  public struct Consideration: Codable, Sendable, Equatable {
    /// done, n/a or open.
    public var status: String
    public var note: String?
    public var by: String
    public var role: String
    public var time: Date
  }

  public var form: Form
  public var env: [String: String]
  /// Serves all traffic, or the rest beside the canary; nil after every version was withdrawn.
  public var primary: Share?
  public var canary: Share?
  /// Every version that served all traffic, oldest first (the current primary last).
  public var served: [Share]
  /// Consideration id → its state; an id absent here is open.
  public var checklist: [String: Consideration]

  /// The considerations not done and not marked n/a.
  public var openConsiderations: [String] {
    Deployment.considerations.map(\.id).filter { id in checklist[id].map { $0.status == "open" } ?? true }
  }

  /// What `rollback` without `--to` goes back to: with a canary, the version serving the rest
  /// (nil when that is served outside mlw); without one, the version that served all traffic
  /// before the current one (a rollback takes the current one off `served`, so a second
  /// rollback goes further back).
  public var rollbackTarget: Share? {
    if canary != nil { return primary }
    guard let primary else { return served.last }
    return served.last { $0.reference != primary.reference }
  }
}

/// A deployment with its target name and attribution.
public struct StoredDeployment: Sendable {
  public var target: String
  public var version: Int
  public var author: String
  public var time: Date
  public var message: String
  public var deployment: Deployment
}

extension Workspace {
  public func deploymentTargets() throws -> [String] {
    guard FileIO.isDirectory(documents.folder(Deployment.collection)) else { return [] }
    return try documents.children(of: Deployment.collection).filter { try documents.latestVersion(of: Deployment.path($0)) > 0 }
  }

  public func deployment(_ target: String) throws -> StoredDeployment {
    let name = try Name(target, what: "target").value
    guard try documents.latestVersion(of: Deployment.path(name)) > 0 else {
      let known = try deploymentTargets()
      throw StoreError.notFound(
        what: "deployment target '\(name)'",
        hint: known.isEmpty
          ? "nothing is deployed yet (mlw engineer deployment start NAME@V --target T --form F)" : "the targets are \(known.joined(separator: ", "))")
    }
    let stored = try documents.read(Deployment.path(name))
    return StoredDeployment(
      target: name, version: stored.envelope.version, author: stored.envelope.author, time: stored.envelope.time,
      message: stored.envelope.message, deployment: try stored.body(as: Deployment.self))
  }

  /// Every change of target `target`, oldest first.
  public func deploymentHistory(_ target: String) throws -> [StoredDeployment] {
    let name = try deployment(target).target
    return try documents.history(Deployment.path(name)).map {
      StoredDeployment(
        target: name, version: $0.envelope.version, author: $0.envelope.author, time: $0.envelope.time, message: $0.envelope.message,
        deployment: try $0.body(as: Deployment.self))
    }
  }

  /// Refuses a model version whose sign-off does not hold now, saying why and who can approve.
  func requireApproval(_ model: StoredModel) throws {
    let approval = try self.approval(model.reference)
    guard !approval.holds else { return }
    var why: String
    if let signoff = approval.signoff, signoff.decision == .rejected {
      why = "it was rejected (\(approval.summary): \(signoff.reason))"
    } else if approval.signoff != nil {
      why = "its approval no longer holds: " + approval.stale.joined(separator: "; ")
    } else {
      why = "it is not signed off"
    }
    let evidence = try signoffEvidence(model.reference)
    let failed = evidence.failed.map { "\($0.check): \($0.detail)" }
    why += failed.isEmpty ? "; its checks pass now" : "; failing now: " + failed.joined(separator: "; ")
    throw LifecycleError.refused(
      "\(model.reference) cannot be deployed: \(why). The SME approves it (mlw sme signoff approve \(model.reference) --reason R) when 'mlw sme signoff check \(model.reference)' passes; a lead can override (mlw lead signoff override \(model.reference) --reason R)"
    )
  }

  /// Deploys model version `reference` to `target`: all traffic, or a canary of `traffic`
  /// percent beside the version serving the rest.
  public func startDeployment(
    _ reference: String, target: String, form: Deployment.Form?, env: [String: String], traffic: Int, actor: Actor, message: String?, now: Date
  ) throws -> StoredDeployment {
    let target = try Name(target, what: "target (--target)").value
    guard (1...100).contains(traffic) else {
      throw LifecycleError.invalidValue(what: "--traffic", reason: "a share of traffic is a percentage from 1 to 100; got \(traffic)")
    }
    guard reference.contains("@") else {
      throw LifecycleError.invalidValue(what: "model", reason: "name the version to deploy, like \(reference)@1")
    }
    let model = try self.model(reference)
    try requireApproval(model)
    let path = Deployment.path(target)
    let latest = try documents.latestVersion(of: path)
    var deployment: Deployment
    if latest > 0 {
      deployment = try documents.read(path, version: latest).body(as: Deployment.self)
      if let form { deployment.form = form }
      deployment.env.merge(env) { $1 }
    } else {
      guard let form else {
        throw LifecycleError.invalidValue(
          what: "--form", reason: "a new target needs its form: \(Deployment.Form.allCases.map(\.rawValue).joined(separator: ", "))")
      }
      deployment = Deployment(form: form, env: env, primary: nil, canary: nil, served: [], checklist: [:])
    }
    let share = Deployment.Share(model: model.name, version: model.version, traffic: traffic, sha256: model.model.artifact?.sha256)
    let text: String
    if traffic == 100 {
      guard deployment.primary?.reference != share.reference || deployment.canary != nil else {
        throw LifecycleError.refused("\(share.reference) serves all traffic of \(target) already")
      }
      text =
        "deploy \(share.reference) to \(target), all traffic"
        + (deployment.primary.map { $0.reference == share.reference ? "" : " (was \($0.reference))" } ?? "")
        + (deployment.canary.map { $0.reference == share.reference ? " (the canary promoted)" : "; canary \($0.reference) withdrawn" } ?? "")
      deployment.primary = share
      deployment.canary = nil
      deployment.served.append(share)
    } else if var primary = deployment.primary {
      guard primary.reference != share.reference else {
        throw LifecycleError.refused("\(share.reference) serves \(target) already; a canary is another version")
      }
      text = "canary \(share.reference) on \(target) at \(traffic)% beside \(primary.reference)"
      primary.traffic = 100 - traffic
      deployment.primary = primary
      deployment.canary = share
    } else {
      // Nothing of mlw's serves the target: the rest is served by what was there before (the
      // system the model replaces), outside these records.
      text = "canary \(share.reference) on \(target) at \(traffic)%; the rest is served outside mlw"
      deployment.canary = share
    }
    let stored = try publish(path, deployment, actor: actor, message: message ?? text, expecting: latest, now: now)
    return StoredDeployment(
      target: target, version: stored.envelope.version, author: actor.name, time: now, message: stored.envelope.message, deployment: deployment)
  }

  /// Gives the canary of `target` all traffic, once its approval still holds.
  public func promoteDeployment(_ target: String, actor: Actor, message: String?, now: Date) throws -> StoredDeployment {
    var current = try deployment(target)
    guard var canary = current.deployment.canary else {
      throw LifecycleError.refused(
        "\(current.target) has no canary to promote (\(current.deployment.primary.map { "\($0.reference) serves all traffic" } ?? "nothing serves it"))"
      )
    }
    try requireApproval(try model(canary.reference))
    let was = current.deployment.primary?.reference ?? "nothing"
    canary.traffic = 100
    current.deployment.primary = canary
    current.deployment.canary = nil
    current.deployment.served.append(canary)
    return try republish(
      current, message: message ?? "promote \(canary.reference) on \(current.target) to all traffic (was \(was))", actor: actor, now: now)
  }

  /// Rolls `target` back: to `reference` when given (a version that served all traffic here
  /// before, or one whose approval holds), else to `rollbackTarget`.
  public func rollbackDeployment(_ target: String, to reference: String?, actor: Actor, message: String?, now: Date) throws -> StoredDeployment {
    var current = try deployment(target)
    let d = current.deployment
    var back: Deployment.Share
    if let reference {
      let model = try self.model(reference)
      guard reference.contains("@") else {
        throw LifecycleError.invalidValue(what: "--to", reason: "name the version, like \(model.reference)")
      }
      if let earlier = d.served.last(where: { $0.reference == model.reference }) {
        back = earlier
      } else {
        try requireApproval(model)
        back = Deployment.Share(model: model.name, version: model.version, traffic: 100, sha256: model.model.artifact?.sha256)
      }
      if back.reference == d.primary?.reference, d.canary == nil {
        throw LifecycleError.refused("\(back.reference) serves all traffic of \(current.target) already")
      }
    } else if let canary = d.canary, d.primary == nil {
      // A canary beside a system outside mlw: withdrawing it leaves that system all traffic.
      current.deployment.canary = nil
      return try republish(
        current, message: message ?? "roll \(current.target) back: canary \(canary.reference) withdrawn; the rest is served outside mlw",
        actor: actor, now: now)
    } else {
      guard let found = d.rollbackTarget else {
        throw LifecycleError.refused(
          d.primary.map {
            "\(current.target) has no earlier version to roll back to: only \($0.reference) has served all its traffic; deploy another approved version"
          }
            ?? "nothing of mlw's serves \(current.target); deploy an approved version (mlw engineer deployment start NAME@V --target \(current.target))"
        )
      }
      back = found
    }
    if let signoff = try approval(back.reference).signoff, signoff.decision == .rejected {
      throw LifecycleError.refused(
        "\(back.reference) was rejected since it served \(current.target) (\(signoff.reason)); roll back to another version with --to NAME@V, or deploy an approved one"
      )
    }
    back.traffic = 100
    let text: String
    if let canary = d.canary, back.reference == d.primary?.reference {
      text = "roll \(current.target) back to \(back.reference): canary \(canary.reference) withdrawn"
    } else {
      text =
        "roll \(current.target) back to \(back.reference) (from \(d.primary?.reference ?? "nothing")\(d.canary.map { " and canary \($0.reference)" } ?? ""))"
    }
    current.deployment.primary = back
    current.deployment.canary = nil
    // Going back in time: the versions served after the one returned to leave the stack, so a
    // second rollback goes further back, not forward again.
    if let index = current.deployment.served.lastIndex(where: { $0.reference == back.reference }) {
      current.deployment.served.removeSubrange((index + 1)...)
    } else {
      current.deployment.served.append(back)
    }
    return try republish(current, message: message ?? text, actor: actor, now: now)
  }

  /// Records one consideration of the checklist of `target`.
  public func checkDeployment(_ target: String, item: String, status: String, note: String?, actor: Actor, now: Date) throws -> StoredDeployment {
    var current = try deployment(target)
    guard Deployment.considerations.contains(where: { $0.id == item }) else {
      throw LifecycleError.invalidValue(
        what: "item", reason: "'\(item)' is not one of \(Deployment.considerations.map(\.id).joined(separator: ", "))")
    }
    guard ["done", "n/a", "open"].contains(status) else {
      throw LifecycleError.invalidValue(what: "--status", reason: "'\(status)' is not done, n/a or open")
    }
    let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
    if let note { try PlainText.check(note, what: "--note") }
    if status != "open", (note ?? "").isEmpty {
      throw LifecycleError.invalidValue(what: "--note", reason: "say what was done or why it does not apply")
    }
    guard (note ?? "").utf8.count <= 2000 else { throw LifecycleError.invalidValue(what: "--note", reason: "at most 2,000 bytes") }
    if let before = current.deployment.checklist[item], before.status == status, before.note == (note?.isEmpty == true ? nil : note) {
      throw LifecycleError.refused("\(item) of \(current.target) is \(status) already, with that note (by \(before.by)); nothing changed")
    }
    current.deployment.checklist[item] = Deployment.Consideration(
      status: status, note: note?.isEmpty == true ? nil : note, by: actor.name, role: actor.role.rawValue, time: now)
    return try republish(current, message: "\(current.target): \(item) \(status)", actor: actor, now: now)
  }
  /// Publishes `current`'s deployment on top of the version it was read at.
  private func republish(_ current: StoredDeployment, message: String, actor: Actor, now: Date) throws -> StoredDeployment {
    let stored = try publish(
      Deployment.path(current.target), current.deployment, actor: actor, message: message, expecting: current.version, now: now)
    return StoredDeployment(
      target: current.target, version: stored.envelope.version, author: actor.name, time: now, message: stored.envelope.message,
      deployment: current.deployment)
  }
}
