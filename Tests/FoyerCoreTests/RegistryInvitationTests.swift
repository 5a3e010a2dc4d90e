import FoyerCore
import PropertyBased
import Testing

/// Invitations to chat in the registry (SPEC section 10), with the injected clock: the
/// refusals, Sent → Seen → Accepted / Dismissed / Expired, expiry after the configured
/// time or when the tab leaves, and the invariants over random sequences.
@Suite("Registry invitations")
struct RegistryInvitationTests {
    let start: Int64 = 1_764_000_000_000
    let second: Int64 = 1000

    func hello(_ tab: String) -> TabHello { TabHello(tab: tab, url: "https://shop.example/pricing", title: "Pricing") }

    func invitation(_ id: String, trigger: String? = nil) -> Invitation {
        Invitation(id: id, message: "Hi! Can I help you with anything?", agent: "Ada", agentID: "u_ada", trigger: trigger, sentAt: 0)
    }

    /// A registry with one connected tab; returns its entry id.
    func oneVisitor(_ registry: inout AccountRegistry, tab: String = "tab-aaaaaaaa") -> String {
        guard case .shown(let id, _) = registry.connect(hello(tab), connection: 1, now: start).outcome else { return "" }
        return id
    }

    func changedInvitations(_ events: [RegistryEvent]) -> [Invitation?] {
        events.compactMap { if case .changed(let update) = $0 { update.entry.invitation } else { nil } }
    }

    @Test func anOnlineVisitorIsInvitedOnce() throws {
        var registry = AccountRegistry()
        let id = oneVisitor(&registry)
        let events = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start + second).get()
        let sent = try #require(changedInvitations(events).first ?? nil)
        #expect(sent.state == .sent && sent.sentAt == start + second && sent.updatedAt == start + second, "times come from the command")
        #expect(registry.entry(id: id)?.autoInvited == nil, "an agent's invitation is not a trigger's")
        #expect(registry.invite(entryID: id, invitation: invitation("i_2"), now: start + 2 * second) == .failure(.pending))
        #expect(registry.pendingInvitation(tab: "tab-aaaaaaaa")?.id == "i_1")
    }

    @Test func refusals() throws {
        var registry = AccountRegistry(configuration: RegistryConfiguration(disconnectGraceMillis: 5 * second))
        #expect(registry.invite(entryID: "e_none", invitation: invitation("i_0"), now: start) == .failure(.noSuchEntry))
        let chatting = oneVisitor(&registry, tab: "tab-chatting")
        _ = registry.startChat(tab: "tab-chatting", chatID: "c_1", now: start)
        #expect(registry.invite(entryID: chatting, invitation: invitation("i_1"), now: start) == .failure(.chatting))
        let gone = oneVisitor(&registry, tab: "tab-gone-xx")
        _ = registry.disconnect(tab: "tab-gone-xx", connection: 1, now: start)
        _ = registry.tick(now: start + 5 * second)
        #expect(registry.entry(id: gone)?.status == .offline)
        #expect(registry.invite(entryID: gone, invitation: invitation("i_2"), now: start + 6 * second) == .failure(.offline))
        #expect(registry.pendingInvitationTimes == [:], "a refusal changes nothing")
    }

    @Test func seenThenDismissed() throws {
        var registry = AccountRegistry()
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start).get()
        #expect(registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_other", state: .seen, now: start + 1).isEmpty, "another id changes nothing")
        #expect(changedInvitations(registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_1", state: .seen, now: start + 2)).first??.state == .seen)
        #expect(registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_1", state: .seen, now: start + 3).isEmpty, "seen twice is one change")
        let dismissed = try #require(changedInvitations(registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_1", state: .dismissed, now: start + 4)).first ?? nil)
        #expect(dismissed.state == .dismissed && dismissed.updatedAt == start + 4 && dismissed.sentAt == start)
        #expect(registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_1", state: .seen, now: start + 5).isEmpty, "an ended invitation stays ended")
        #expect(registry.pendingInvitation(tab: "tab-aaaaaaaa") == nil)
        // Ended, a new one may be sent; the entry keeps only the latest.
        _ = try registry.invite(entryID: id, invitation: invitation("i_2"), now: start + 6).get()
        #expect(registry.entry(id: id)?.invitation?.id == "i_2")
    }

    @Test func aChatAcceptsThePendingInvitation() throws {
        var registry = AccountRegistry()
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start).get()
        let events = registry.startChat(tab: "tab-aaaaaaaa", chatID: "c_1", now: start + 30 * second)
        let entry = try #require(registry.entry(id: id))
        #expect(entry.status == .chatting && entry.invitation?.state == .accepted && entry.invitation?.updatedAt == start + 30 * second)
        #expect(changedInvitations(events).count == 1, "one change: Chatting and Accepted together")
        #expect(registry.pendingInvitationTimes == [:])
    }

    @Test func expiresAfterTheConfiguredTimeFromCommandTimes() throws {
        var registry = AccountRegistry(configuration: RegistryConfiguration(invitationExpiryMillis: 60 * second))
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start).get()
        #expect(changedInvitations(registry.tick(now: start + 59 * second)).isEmpty)
        let expired = try #require(changedInvitations(registry.tick(now: start + 60 * second)).first ?? nil)
        #expect(expired.state == .expired && expired.updatedAt == start + 60 * second)
        #expect(changedInvitations(registry.tick(now: start + 61 * second)).isEmpty, "expires once")
    }

    @Test func theDefaultExpiryIsFiveMinutes() {
        #expect(RegistryConfiguration().invitationExpiryMillis == 300_000)
    }

    @Test func expiresWhenTheTabLeaves() throws {
        var registry = AccountRegistry(configuration: RegistryConfiguration(disconnectGraceMillis: 15 * second))
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start).get()
        // A navigation (reconnect within the grace) keeps it pending.
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 1, now: start + second)
        _ = registry.connect(hello("tab-aaaaaaaa"), connection: 2, now: start + 2 * second)
        _ = registry.tick(now: start + 20 * second)
        #expect(registry.entry(id: id)?.invitation?.state == .sent)
        _ = registry.disconnect(tab: "tab-aaaaaaaa", connection: 2, now: start + 21 * second)
        let events = registry.tick(now: start + 36 * second)
        let entry = try #require(registry.entry(id: id))
        #expect(entry.status == .offline && entry.invitation?.state == .expired)
        #expect(changedInvitations(events).count == 1, "Offline and Expired in one change")
    }

    @Test func aTriggersInvitationMarksTheEntry() throws {
        var registry = AccountRegistry()
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1", trigger: "t_pricing"), now: start).get()
        #expect(registry.entry(id: id)?.autoInvited == true)
        _ = registry.updateInvitation(tab: "tab-aaaaaaaa", id: "i_1", state: .dismissed, now: start + 1)
        #expect(registry.entry(id: id)?.autoInvited == true, "it stays for the visit")
    }

    @Test func aPendingInvitationSurvivesARestartAndStillExpires() throws {
        var registry = AccountRegistry(configuration: RegistryConfiguration(invitationExpiryMillis: 60 * second))
        let id = oneVisitor(&registry)
        _ = try registry.invite(entryID: id, invitation: invitation("i_1"), now: start).get()
        var restarted = AccountRegistry(configuration: registry.configuration)
        restarted.restore(registry.shownEntries, now: start + 10 * second)
        #expect(restarted.pendingInvitation(tab: "tab-aaaaaaaa")?.id == "i_1")
        _ = restarted.connect(hello("tab-aaaaaaaa"), connection: 9, now: start + 11 * second)
        _ = restarted.tick(now: start + 60 * second)
        #expect(restarted.entry(id: id)?.invitation?.state == .expired)
    }

    // MARK: Invariants

    /// Random sequences of connects, disconnects, invitations, reports, chats, archives
    /// and time: never two pending invitations on one entry (a second invite is refused),
    /// never a pending invitation while chatting or Offline, and the registry's index
    /// of pending invitations always matches the entries.
    @Test func invariantsHoldForAnySequence() async {
        let tabs = 4
        let operations = 8
        await propertyCheck(count: 300, input: Gen.int(in: 0...(tabs * operations * 6 - 1)).array(of: 1...80)) { steps in
            var registry = AccountRegistry(configuration: RegistryConfiguration(
                entryLimit: 3, disconnectGraceMillis: 5_000, retentionMillis: 60_000, invitationExpiryMillis: 20_000))
            var now = start
            var connection: ConnectionID = 1
            var open: [String: [ConnectionID]] = [:]
            var made = 0
            for step in steps {
                let tab = "tab-\(step % tabs)-xxxxxx"
                let amount = Int64(step / (tabs * operations))
                switch (step / tabs) % operations {
                case 0:
                    open[tab, default: []].append(connection)
                    _ = registry.connect(hello(tab), connection: connection, now: now)
                    connection += 1
                case 1:
                    if let last = open[tab]?.popLast() { _ = registry.disconnect(tab: tab, connection: last, now: now) }
                case 2, 3:
                    guard let entry = registry.entry(tab: tab) else { break }
                    made += 1
                    let before = entry
                    switch registry.invite(entryID: entry.id, invitation: invitation("i_\(made)", trigger: amount % 2 == 0 ? nil : "t_1"), now: now) {
                    case .success:
                        #expect(before.invitation?.isPending != true && before.status != .offline && before.chatID == nil)
                    case .failure(let refusal):
                        #expect(registry.entry(tab: tab) == before, "a refusal (\(refusal)) changes nothing")
                    }
                case 4:
                    guard let pending = registry.pendingInvitation(tab: tab) else { break }
                    _ = registry.updateInvitation(tab: tab, id: pending.id, state: amount % 2 == 0 ? .seen : .dismissed, now: now)
                case 5:
                    _ = registry.startChat(tab: tab, chatID: "c_\(tab)", now: now)
                case 6:
                    if let entry = registry.entry(tab: tab), entry.chatID != nil { _ = registry.archive(entryID: entry.id, now: now) }
                default:
                    now += (amount + 1) * 3_000
                    _ = registry.tick(now: now)
                }
                var index: [String: Int64] = [:]
                for entry in registry.shownEntries {
                    guard let invitation = entry.invitation, invitation.isPending else { continue }
                    #expect(entry.status != .offline && entry.status != .chatting && entry.chatID == nil, "pending while \(entry.status)")
                    #expect(now - invitation.sentAt < 20_000 || step / tabs % operations != operations - 1, "pending past its expiry after a tick")
                    index[entry.id] = invitation.sentAt
                }
                #expect(registry.pendingInvitationTimes == index)
            }
        }
    }
}
