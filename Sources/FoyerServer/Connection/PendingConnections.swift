import FoyerGeo
import NIOCore
import Synchronization

/// Limits connections that have not completed their first request (as nginx's
/// `client_header_timeout` and `limit_conn` do): each is closed if its request head has
/// not arrived within `timeout`, and one peer address may hold at most `maxPerAddress`
/// of them at once (further ones are closed on accept).
///
/// Without this, silent connections, or requests sent a byte every few seconds, stayed
/// open indefinitely and one address could take every descriptor of the process. Peers
/// that are trusted proxies are not capped (their connections carry many clients; the
/// proxy applies its own limits), but their deadline holds.
final class PendingConnections: Sendable {
    let maxPerAddress: Int
    let timeout: TimeAmount
    private let proxies: ClientAddressResolver
    private let counts = Mutex<[String: Int]>([:])

    init(maxPerAddress: Int, timeout: TimeAmount, trustedProxies: ClientAddressResolver) {
        self.maxPerAddress = maxPerAddress
        self.timeout = timeout
        proxies = trustedProxies
    }

    /// Starts watching a new connection; nil when its address already holds its share
    /// (the caller closes it).
    func admit(_ channel: any Channel) -> FirstRequestWatch? {
        let peer = channel.remoteAddress?.ipAddress ?? "unknown"
        let capped = !(IPAddress(peer).map { proxies.isTrusted($0.unmapped) } ?? false)
        if capped {
            let admitted = counts.withLock { table in
                let open = table[peer, default: 0]
                guard open < maxPerAddress else { return false }
                table[peer] = open + 1
                return true
            }
            guard admitted else { return nil }
        }
        return FirstRequestWatch(channel: channel, address: capped ? peer : nil, owner: self)
    }

    /// A connection of `address` completed its request head or ended.
    func release(_ address: String) {
        counts.withLock { table in
            let left = table[address, default: 1] - 1
            table[address] = left > 0 ? left : nil
        }
    }
}
