import FoyerCore
import FoyerStore
import Logging

/// Writes how automatic invitations went (shown, accepted, dismissed) to their trigger's
/// counts, in the background: a count is worth less than a socket's latency.
///
/// Exactly once per transition: a server alone applies each command once; in a cluster
/// every node applies every command, and only the node holding the tab's socket counts
/// (the visitor's reports arrive on that socket).
struct TriggerCounter: Sendable {
    let store: any Store
    let logger: Logger

    /// Counts what the invitation changes in `events` mean for their triggers; `holdsTab`
    /// says whether this node is the one to count a tab's.
    func count(_ events: [RegistryEvent], accountID: String, holdsTab: (String) -> Bool) {
        var outcomes: [(trigger: String, outcome: TriggerOutcome)] = []
        for case .changed(let update) in events {
            guard let now = update.entry.invitation, let trigger = now.trigger, now.state != update.previous.invitation?.state,
                update.previous.invitation?.id == now.id, holdsTab(update.entry.tab)
            else { continue }
            let wasSeen = update.previous.invitation?.state == .seen
            switch now.state {
            case .seen: outcomes.append((trigger, .shown))
            case .accepted, .dismissed:
                // Answered without a Seen report first: it was on screen all the same.
                if !wasSeen { outcomes.append((trigger, .shown)) }
                outcomes.append((trigger, now.state == .accepted ? .accepted : .dismissed))
            case .sent, .expired: break
            }
        }
        guard !outcomes.isEmpty else { return }
        Task {
            for (trigger, outcome) in outcomes {
                do {
                    try await store.countTrigger(accountID: accountID, id: trigger, outcome)
                } catch {
                    logger.warning("trigger count not written", metadata: ["trigger": "\(trigger)", "error": "\(error)"])
                }
            }
        }
    }
}
