import NIOCore

/// What a tracker socket holds between reads, nearly always nothing: the start of a
/// frame whose rest has not arrived, and a fragmented message being joined. Boxed so an
/// idle socket pays one reference for both (a `ByteBuffer?` alone is 25 bytes).
final class PendingInput {
    var unread: ByteBuffer?
    var fragmented: FragmentedMessage?

    var isEmpty: Bool { unread == nil && fragmented == nil }
}
