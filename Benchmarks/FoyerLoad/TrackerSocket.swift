import NIOCore

/// An open tracker socket and its handler, usable from any thread.
struct TrackerSocket: Sendable {
    let channel: any Channel
    let handler: NIOLoopBound<TrackerHandler>

    /// Sends a page change on the socket's own event loop.
    func sendPage(seq: Int) {
        let loop = channel.eventLoop
        if loop.inEventLoop {
            handler.value.sendPage(seq: seq)
        } else {
            let handler = self.handler
            loop.execute { handler.value.sendPage(seq: seq) }
        }
    }
}
