import NIOCore
import NIOWebSocket

/// One dashboard feed: waits for the snapshot, then timestamps every message on arrival
/// and hands it to the recorder.
final class DashboardHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = WebSocketFrame

    private let index: Int
    private let recorder: FeedRecorder
    private var snapshot: EventLoopPromise<Void>?

    init(index: Int, recorder: FeedRecorder, snapshot: EventLoopPromise<Void>) {
        self.index = index
        self.recorder = recorder
        self.snapshot = snapshot
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .text:
            // Taken first: everything after this is the generator's own time.
            let receivedAt = Monotonic.nanoseconds()
            if let snapshot {
                self.snapshot = nil
                snapshot.succeed()
                return
            }
            recorder.receive(dashboard: index, payload: frame.data, at: receivedAt)
        case .connectionClose:
            context.close(promise: nil)
        default:
            break
        }
    }

    func channelInactive(context: ChannelHandlerContext) {
        recorder.dashboardClosed()
        snapshot?.fail(LoadError.closedBeforeSnapshot)
        snapshot = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
