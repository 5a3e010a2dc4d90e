import Hummingbird
import HTTPTypes

/// Refuses state-changing requests sent by another site (CSRF): the `Origin` header,
/// which browsers add to every cross-site POST/PUT/DELETE, must be this server's.
enum SameOrigin {
    static func check(_ request: Request) throws {
        guard let origin = request.headers[.origin] else { return }
        let host = request.head.authority ?? ""
        guard origin == "http://" + host || origin == "https://" + host else {
            throw HTTPError(.forbidden, message: "cross-site request refused")
        }
    }
}
