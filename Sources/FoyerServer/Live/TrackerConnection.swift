/// Something that holds a tab's tracker socket, so the server can stop it.
protocol TrackerConnection: AnyObject, Sendable {
    var tab: String { get }
    /// Whether the account remembers returning visitors: `r` in the `ok`/`wait` reply.
    var remembers: Bool { get }
    /// Tells the tracker to stop and closes the socket.
    func stop(code: UInt16, reason: String, message: String?)
    /// Sends one message to the tracker.
    func send(_ message: String)
}
