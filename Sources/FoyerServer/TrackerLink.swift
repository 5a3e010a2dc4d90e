import NIOCore

/// The handle the live state keeps for one tracker socket, to stop it from any thread.
final class TrackerLink: TrackerConnection {
    let tab: String
    let channel: any Channel

    init(tab: String, channel: any Channel) {
        self.tab = tab
        self.channel = channel
    }

    func stop(code: UInt16, reason: String, message: String?) {
        channel.closeWebSocket(code: code, reason: reason, lastMessage: message)
    }
}
