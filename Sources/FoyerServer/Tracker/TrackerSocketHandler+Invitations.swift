import FoyerCore
import NIOCore
import Prometheus

/// The visitor's side of an invitation to chat: the widget showed it (`invite-seen`) or
/// the visitor dismissed it (`invite-dismiss`); a reply is an ordinary chat `say`.
extension TrackerSocketHandler {
    func invitation(_ context: ChannelHandlerContext, tab: String, id: String, dismissed: Bool, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerInvitations.increment()
        // The registry ignores a report for another or an ended invitation (a late frame).
        setup.live.invitationReported(tab: tab, id: id, state: dismissed ? .dismissed : .seen)
    }
}
