import Crypto
import FoyerGeo
import Hummingbird
import HTTPTypes

/// Who may read `/metrics`: its totals span every account on the server, so not the
/// public. With a token configured, requests carrying `Authorization: Bearer <token>`;
/// without one, only requests made directly from the machine itself (a loopback peer and
/// no forwarding header, so nothing relayed by a local reverse proxy).
enum MetricsAccess {
    static func allows(_ request: Request, peer: String?, token: String?) -> Bool {
        if let token {
            guard let given = request.headers[.authorization], given.hasPrefix("Bearer ") else { return false }
            // Compared as digests, so the time taken tells nothing about the token.
            return SHA256.hash(data: Array(given.dropFirst(7).utf8)) == SHA256.hash(data: Array(token.utf8))
        }
        let forwarded = request.headers[values: .init("X-Forwarded-For")!].isEmpty == false
            || request.headers[values: .init("Forwarded")!].isEmpty == false
            || request.headers[values: .init("X-Real-IP")!].isEmpty == false
        guard !forwarded, let peer, let address = IPAddress(peer)?.unmapped else { return false }
        return address.scope == .loopback
    }
}
