/// Asks a socket's handler, from any thread, to close the WebSocket: the handler owns the
/// close handshake, so it never sends a second close frame when the peer answers.
struct CloseRequest: Sendable {
    let code: UInt16
    let reason: String
    /// A last text message sent before the close frame.
    let lastMessage: String?
}
