import Foundation
import Testing
import VersionedStore

@testable import Lifecycle

private func temporaryRoot() -> Root {
  var template = Array((NSTemporaryDirectory() + "/mlw-life-XXXXXX").utf8CString)
  return Root(path: template.withUnsafeMutableBufferPointer { String(cString: mkdtemp($0.baseAddress!)!) })
}

private let now = Date(timeIntervalSince1970: 1_795_000_000)

@Suite struct AuthorizationTests {
  let root = temporaryRoot()
  let workspace: Workspace

  init() throws {
    workspace = try root.createWorkspace(name: "demo", title: "Demo", lead: "ana", now: now).0
    let lead = Actor(name: "ana", role: .lead)
    _ = try workspace.addMember("sam", roles: [.sme, .engineer], actor: lead, now: now, ifVersion: nil)
    _ = try workspace.addMember("ann", roles: [.annotator], actor: lead, now: now, ifVersion: nil)
  }

  @Test func aMemberActsInTheFirstAllowedRoleTheyHold() throws {
    #expect(try workspace.authorize(.roles([.lead]), identity: "ana") == Actor(name: "ana", role: .lead))
    #expect(try workspace.authorize(.roles([.engineer, .sme]), identity: "sam") == Actor(name: "sam", role: .engineer))
    #expect(try workspace.authorize(.roles([.sme, .engineer]), identity: "sam") == Actor(name: "sam", role: .sme))
    #expect(try workspace.authorize(.member, identity: "ann") == Actor(name: "ann", role: .annotator))
  }

  @Test func refusalsNameWhatIsMissing() throws {
    #expect(throws: LifecycleError.lacksRole(name: "ann", workspace: "demo", needs: [.sme], has: [.annotator])) {
      try workspace.authorize(.roles([.sme]), identity: "ann")
    }
    #expect(throws: LifecycleError.notMember(name: "zed", workspace: "demo")) {
      try workspace.authorize(.member, identity: "zed")
    }
    #expect(throws: LifecycleError.noIdentity) { try workspace.authorize(.roles([.lead]), identity: nil) }
    // A local reader who names nobody may read; nobody writes anonymously.
    #expect(try workspace.authorize(.member, identity: nil) == nil)
  }

  @Test func everyRoleCombinationIsCheckedExactly() throws {
    for role in Role.allCases {
      let lead = Actor(name: "ana", role: .lead)
      let person = "p-\(role.rawValue)"
      _ = try workspace.addMember(person, roles: [role], actor: lead, now: now, ifVersion: nil)
      for allowed in Role.allCases {
        let result = Result { try workspace.authorize(.roles([allowed]), identity: person) }
        switch result {
        case .success(let actor): #expect(allowed == role && actor?.role == role)
        case .failure: #expect(allowed != role)
        }
      }
    }
  }

  @Test func aLeadHandsOutOnlyAnInvitationWhichThePersonExchangesForTheirOwnToken() throws {
    let lead = Actor(name: "ana", role: .lead)
    let change = try workspace.addMember("zoe", roles: [.annotator], actor: lead, now: now, ifVersion: nil)
    let invitation = try #require(change.invitation)
    // The invitation is not a token: it authenticates only as an invitation, and expires.
    #expect(try root.person(forToken: invitation) == nil)
    #expect(try root.credential(forToken: invitation, now: now)?.kind == .invitation)
    #expect(try root.credential(forToken: invitation, now: now.addingTimeInterval(7 * 86_400 + 1)) == nil)
    #expect(try root.roster().0.people["zoe"]?.invitationHash == Token.hash(invitation))
    #expect(try root.roster().0.people["zoe"]?.tokenHash == nil)
    // Only zoe's own rotation makes a token; the invitation ends with it.
    let token = try root.rotateToken(of: "zoe", presenting: nil, now: now)
    #expect(try root.person(forToken: token) == "zoe")
    #expect(try root.credential(forToken: invitation, now: now) == nil)
    #expect(try root.person(forToken: token + "x") == nil)
    let rotated = try root.rotateToken(of: "zoe", presenting: nil, now: now)
    #expect(try root.person(forToken: token) == nil)
    #expect(try root.person(forToken: rotated) == "zoe")
    // Someone already on the team gets no new credential when another lead adds them.
    let other = try root.createWorkspace(name: "other", title: "Other", lead: "bob", now: now).0
    let again = try other.addMember("zoe", roles: [.engineer], actor: Actor(name: "bob", role: .lead), now: now, ifVersion: nil)
    #expect(again.invitation == nil)
    #expect(try root.person(forToken: rotated) == "zoe")
    // The administrator's fresh invitation leaves the token working until it is exchanged.
    let fresh = try root.invite("zoe", days: 1, now: now)
    #expect(try root.person(forToken: rotated) == "zoe")
    #expect(try root.credential(forToken: fresh, now: now)?.kind == .invitation)
    try root.cancelToken(of: "zoe", now: now)
    #expect(try root.person(forToken: rotated) == nil)
    #expect(try root.credential(forToken: fresh, now: now) == nil)
    #expect(Token.constantTimeEqual("sha256:ab", "sha256:ab"))
    #expect(!Token.constantTimeEqual("sha256:ab", "sha256:ac"))
  }

  @Test func membershipRulesKeepALeadAndAtLeastOneRole() throws {
    let lead = Actor(name: "ana", role: .lead)
    #expect(throws: LifecycleError.lastLead(workspace: "demo")) {
      try workspace.removeMember("ana", actor: lead, now: now, ifVersion: nil)
    }
    #expect(throws: LifecycleError.lastRole(name: "ann")) {
      try workspace.revoke("ann", role: .annotator, actor: lead, now: now, ifVersion: nil)
    }
    // With a second lead, the first may give up the lead role (keeping another role).
    _ = try workspace.grant("ana", role: .sme, actor: lead, now: now, ifVersion: nil)
    #expect(throws: LifecycleError.lastLead(workspace: "demo")) {
      try workspace.revoke("ana", role: .lead, actor: lead, now: now, ifVersion: nil)
    }
    _ = try workspace.grant("sam", role: .lead, actor: lead, now: now, ifVersion: nil)
    let change = try workspace.revoke("ana", role: .lead, actor: Actor(name: "sam", role: .lead), now: now, ifVersion: nil)
    #expect(change.roles == [.sme])
    #expect(try workspace.record().0.holders(of: .lead) == ["sam"])
  }
}
