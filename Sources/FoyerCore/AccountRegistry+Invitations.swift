/// Invitations to chat (SPEC section 10): an agent (or a trigger) invites an Online
/// visitor; the visitor's page shows it (Seen), and the visitor replies (Accepted, the
/// chat starts), closes it (Dismissed), or lets it run out (Expired: no answer within
/// ``RegistryConfiguration/invitationExpiryMillis``, or the tab left). Every change is
/// decided from the commands' own times, so every node of a cluster agrees.
extension AccountRegistry {
    /// Invites the visitor of a shown entry (refusals: ``InvitationRefusal/check(_:)``).
    public mutating func invite(entryID: String, invitation: Invitation, now: Int64) -> Result<[RegistryEvent], InvitationRefusal> {
        if let refusal = InvitationRefusal.check(entry(id: entryID)) { return .failure(refusal) }
        guard var entry = entry(id: entryID) else { return .failure(.noSuchEntry) }
        let previous = entry
        var made = invitation
        made.state = .sent
        made.sentAt = now
        made.updatedAt = now
        entry.invitation = made
        if made.trigger != nil { entry.autoInvited = true }
        put(entry)
        return .success([.changed(EntryUpdate(entry: entry, previous: previous))])
    }

    /// The visitor's page reported an invitation `seen` or `dismissed` (or the server
    /// ends it otherwise). Only a pending invitation with this id changes, and only
    /// forward: Seen only after Sent; an ended invitation stays as it ended.
    public mutating func updateInvitation(tab: String, id: String, state: InvitationState, now: Int64) -> [RegistryEvent] {
        guard var entry = entry(tab: tab), let invitation = entry.invitation, invitation.id == id, invitation.isPending,
            state != invitation.state, state != .sent
        else { return [] }
        let previous = entry
        if state == .seen {
            entry.invitation?.state = .seen
            entry.invitation?.updatedAt = now
        } else {
            endInvitation(of: &entry, as: state, now: now)
            // A visitor who dismissed an invitation gets no automatic one for the rest of
            // the visit, even after a later invitation by hand ends otherwise.
            if state == .dismissed { entry.autoInvited = true }
        }
        put(entry)
        return [.changed(EntryUpdate(entry: entry, previous: previous))]
    }

    /// Ends the entry's invitation if it is pending (accepted, dismissed, expired).
    func endInvitation(of entry: inout Entry, as state: InvitationState, now: Int64) {
        guard entry.invitation?.isPending == true else { return }
        entry.invitation?.state = state
        entry.invitation?.updatedAt = now
    }

    /// Expires the pending invitations older than the configured time, in entry number order.
    mutating func expireInvitations(now: Int64, events: inout [RegistryEvent]) {
        guard let pending = pendingInvitations, !pending.isEmpty else { return }
        let expiry = configuration.invitationExpiryMillis
        let due = pending.compactMap { id, sentAt in
            now - sentAt >= expiry ? entry(id: id).map { ($0.number, id) } : nil
        }
        for (_, id) in due.sorted(by: { $0.0 < $1.0 }) {
            guard var entry = entry(id: id) else { continue }
            let previous = entry
            endInvitation(of: &entry, as: .expired, now: now)
            put(entry)
            events.append(.changed(EntryUpdate(entry: entry, previous: previous)))
        }
    }

    /// When each pending invitation was sent, by entry id.
    public var pendingInvitationTimes: [String: Int64] { pendingInvitations ?? [:] }

    /// The tab's pending invitation, if any (what its page must show).
    public func pendingInvitation(tab: String) -> Invitation? {
        guard let invitation = entry(tab: tab)?.invitation, invitation.isPending else { return nil }
        return invitation
    }
}
