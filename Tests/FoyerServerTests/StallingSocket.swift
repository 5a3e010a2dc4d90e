import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A WebSocket client over a plain blocking socket that reads only when told to: a
/// dashboard that stops reading. Its receive buffer is kept small so the server's
/// writes back up quickly.
final class StallingSocket: @unchecked Sendable {
    private let fd: Int32
    /// Bytes received after the upgrade response and not yet parsed.
    private var buffer: [UInt8] = []

    /// Connects and upgrades to a WebSocket at `path`; reads only the upgrade response.
    init(port: Int, path: String, headers: [String: String]) throws {
        fd = try LoopbackSocket.dial(port: port, receiveTimeoutSeconds: 10, receiveBufferBytes: 4096)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        request += "\r\n"
        _ = request.withCString { send(fd, $0, strlen($0), 0) }
        let end: [UInt8] = Array("\r\n\r\n".utf8)
        while true {
            guard let range = buffer.firstRange(of: end) else {
                try receive()
                continue
            }
            let head = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
            buffer.removeSubrange(..<range.upperBound)
            guard head.hasPrefix("HTTP/1.1 101") else { throw POSIXError(.EPROTO) }
            return
        }
    }

    deinit { close(fd) }

    /// Reads frames until the server's close frame; returns its code and the text
    /// frames before it. Blocking: runs on a thread of its own.
    func readUntilClose() async throws -> (code: Int, texts: Int) {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try self.blockingReadUntilClose() }) }.start()
        }
    }

    private func blockingReadUntilClose() throws -> (code: Int, texts: Int) {
        var texts = 0
        while true {
            guard let (opcode, payload) = try nextFrame() else { throw POSIXError(.ECONNRESET) }
            switch opcode {
            case 0x1: texts += 1
            case 0x8: return (payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005, texts)
            default: break
            }
        }
    }

    /// One unmasked frame from the server, or nil when the connection ended.
    private func nextFrame() throws -> (opcode: UInt8, payload: [UInt8])? {
        while true {
            if let frame = ServerFrame.take(from: &buffer) { return frame }
            guard try receive() else { return nil }
        }
    }

    @discardableResult
    private func receive() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count < 0 { throw POSIXError(.ETIMEDOUT) }
        if count == 0 { return false }
        buffer += chunk[0..<count]
        return true
    }
}
