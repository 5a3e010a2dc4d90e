import NIOCore
import NIOHTTP1
import NIOPosix

/// Signs in with `POST /api/session` and returns the session cookie (`name=value`) the
/// dashboard feeds present.
struct SessionSignIn: Sendable {
    let server: SocketAddress
    let hostHeader: String

    func cookie(email: String, password: String, group: any EventLoopGroup) async throws -> String {
        let body = #"{"email":\#(Self.jsonString(email)),"password":\#(Self.jsonString(password))}"#
        let channel = try await ClientBootstrap(group: group).connect(to: server) { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
            }
        }
        // The server closes the connection after answering (Connection: close), which can
        // race the close below; the answer is what counts.
        let answer = SignInAnswer()
        do {
            try await exchange(channel, body: body, answer: answer)
        } catch where answer.cookie != nil {}
        guard let cookie = answer.cookie else { throw LoadError("sign-in failed: the server answered no cookie") }
        return cookie
    }

    private final class SignInAnswer: @unchecked Sendable {
        // Written and read by the one task running the sign-in.
        var cookie: String?
    }

    private func exchange(
        _ channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>, body: String, answer: SignInAnswer
    ) async throws {
        try await channel.executeThenClose { inbound, outbound in
            var headers = HTTPHeaders()
            headers.add(name: "Host", value: hostHeader)
            headers.add(name: "Content-Type", value: "application/json")
            headers.add(name: "Content-Length", value: "\(body.utf8.count)")
            headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(HTTPRequestHead(version: .http1_1, method: .POST, uri: "/api/session", headers: headers)))
            try await outbound.write(.body(.byteBuffer(ByteBuffer(string: body))))
            try await outbound.write(.end(nil))
            var status: HTTPResponseStatus?
            var cookie: String?
            var text = ""
            for try await part in inbound {
                switch part {
                case .head(let head):
                    status = head.status
                    for value in head.headers["set-cookie"] where value.hasPrefix("foyer_session=") {
                        cookie = String(value.prefix(while: { $0 != ";" }))
                    }
                case .body(let buffer):
                    text += String(buffer: buffer)
                case .end:
                    guard status == .ok, let cookie else {
                        throw LoadError("sign-in failed: \(status.map { "\($0.code)" } ?? "no answer") \(text)")
                    }
                    answer.cookie = cookie
                    return
                }
            }
            throw LoadError("sign-in: the server closed the connection early")
        }
    }

    /// A JSON string literal (quotes and backslashes escaped; control characters dropped).
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: continue
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
