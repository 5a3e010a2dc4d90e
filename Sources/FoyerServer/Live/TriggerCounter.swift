import FoyerCore
import FoyerStore
import Logging

/// Writes how automatic invitations went (shown, accepted, dismissed) to their trigger's
/// counts, in the background: a count is worth less than a socket's latency.
///
/// Exactly once per transition: in a cluster every node applies every command and
/// reports it, and the store counts an invitation's outcome only the first time
/// (``Store/countTrigger(accountID:id:_:invitationID:now:)``), whichever node reports it
/// and however the tab moved between nodes.
struct TriggerCounter: Sendable {
    let store: any Store
    let logger: Logger

    /// Counts what the invitation changes in `events` mean for their triggers.
    func count(_ events: [RegistryEvent], accountID: String) {
        var outcomes: [(trigger: String, outcome: TriggerOutcome, invitation: Invitation)] = []
        for case .changed(let update) in events {
            guard let now = update.entry.invitation, let trigger = now.trigger, now.state != update.previous.invitation?.state,
                update.previous.invitation?.id == now.id
            else { continue }
            let wasSeen = update.previous.invitation?.state == .seen
            switch now.state {
            case .seen: outcomes.append((trigger, .shown, now))
            case .accepted, .dismissed:
                // Answered without a Seen report first: it was on screen all the same.
                if !wasSeen { outcomes.append((trigger, .shown, now)) }
                outcomes.append((trigger, now.state == .accepted ? .accepted : .dismissed, now))
            case .sent, .expired: break
            }
        }
        guard !outcomes.isEmpty else { return }
        Task {
            for (trigger, outcome, invitation) in outcomes {
                do {
                    // The invitation's own time: the same on every node that applies it.
                    try await store.countTrigger(accountID: accountID, id: trigger, outcome, invitationID: invitation.id, now: invitation.updatedAt)
                } catch {
                    logger.warning("trigger count not written", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
                }
            }
        }
    }
}
