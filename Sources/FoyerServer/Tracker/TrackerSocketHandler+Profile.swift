import NIOCore
import Prometheus

/// Who the visitor is: the script API (`foyer('identify'|'set'|'track', …)`) and the
/// browser id a tracker creates late (docs/PROTOCOL.md section 1).
extension TrackerSocketHandler {
    /// The commands of the script API; any other is refused without closing the socket.
    static let scriptCommands: Set<String> = ["identify", "set", "track"]

    /// An `api` frame: a script command and its argument, as the page gave them.
    func api(_ context: ChannelHandlerContext, tab: String, command: String, argument: JSONValue?, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerAPI.increment()
        guard Self.scriptCommands.contains(command) else {
            // A mistake in the site's code, not the visitor's: say so, change nothing.
            reply(context, TrackerReply(t: "refused", reason: "unknown command", c: command))
            return
        }
    }

    /// A `vid` frame: the tracker created a browser id after `ok` said `r:1`.
    func browserID(_ context: ChannelHandlerContext, tab: String, id: String, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerBrowserIDs.increment()
    }
}
