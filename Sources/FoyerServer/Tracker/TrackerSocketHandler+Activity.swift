import NIOCore
import Prometheus

/// Whether the visitor is there: the tab reports turning inactive (`idle`) and active
/// again (`active`), one frame per change (docs/PROTOCOL.md section 1).
extension TrackerSocketHandler {
    func activity(_ context: ChannelHandlerContext, tab: String, inactive: Bool, startedAtNanos: UInt64) {
        setup.hub.metrics.trackerActivity.increment()
        setup.live.activity(tab: tab, inactive: inactive, startedAtNanos: startedAtNanos)
    }
}
