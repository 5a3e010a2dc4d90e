import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client over a plain blocking socket that sends exactly the bytes a test gives it, in
/// the pieces it chooses, and reads back the server's HTTP answer and WebSocket frames
/// only when asked: for tests of how the server reads a connection's first bytes, and of
/// a dashboard that stops reading.
final class RawSocket: @unchecked Sendable {
    struct Head {
        let status: Int
        /// The whole head as sent, status line included, without its blank line.
        let text: String
        /// Lower-cased names.
        let headers: [String: String]
    }

    private let fd: Int32
    /// Bytes received and not yet parsed. Only one blocking read runs at a time.
    private var buffer: [UInt8] = []

    init(port: Int, receiveTimeoutSeconds: Int = 5, receiveBufferBytes: Int32? = nil, from source: String? = nil) throws {
        fd = try LoopbackSocket.dial(port: port, receiveTimeoutSeconds: receiveTimeoutSeconds, receiveBufferBytes: receiveBufferBytes, from: source)
        // Each send its own segment, so pieces reach the server as the test split them.
        var on: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
    }

    deinit { close(fd) }

    func send(_ text: String) throws { try send(Array(text.utf8)) }

    func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw POSIXError(.EPIPE) }
            sent += count
        }
    }

    /// One byte per write, with a pause after each so that the server reads them one by
    /// one instead of finding several waiting.
    func sendOneByteAtATime(_ text: String) async throws { try await sendOneByteAtATime(Array(text.utf8)) }

    func sendOneByteAtATime(_ bytes: [UInt8]) async throws {
        for byte in bytes {
            try send([byte])
            try await Task.sleep(for: .milliseconds(2))
        }
    }

    /// The response head; its body (if any) stays buffered for ``body(count:)``.
    func head() async throws -> Head {
        try await offThread { try self.blockingHead() }
    }

    /// The next `count` bytes (a response body) as text.
    func body(count: Int) async throws -> String {
        try await offThread {
            while self.buffer.count < count {
                guard try self.receive() else { throw POSIXError(.ECONNRESET) }
            }
            defer { self.buffer.removeFirst(count) }
            return String(decoding: self.buffer[..<count], as: UTF8.self)
        }
    }

    /// The next text frame from the server; nil at its close frame or the connection's end.
    func nextText() async throws -> String? {
        try await offThread {
            while let (opcode, payload) = try self.nextFrame() {
                switch opcode {
                case 0x1: return String(decoding: payload, as: UTF8.self)
                case 0x8: return nil
                default: continue
                }
            }
            return nil
        }
    }

    /// A WebSocket that reads only when told to: a dashboard that stops reading. Its
    /// receive buffer is small, so the server's writes back up quickly.
    static func stallingWebSocket(port: Int, path: String, headers: [String: String]) async throws -> RawSocket {
        let socket = try RawSocket(port: port, receiveTimeoutSeconds: 10, receiveBufferBytes: 4096)
        var request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        request += "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        for (name, value) in headers { request += "\(name): \(value)\r\n" }
        try socket.send(request + "\r\n")
        guard try await socket.head().status == 101 else { throw POSIXError(.EPROTO) }
        return socket
    }

    /// Reads frames until the server's close frame; returns its code and how many text
    /// frames came before it.
    func readUntilClose() async throws -> (code: Int, texts: Int) {
        try await offThread {
            var texts = 0
            while true {
                guard let (opcode, payload) = try self.nextFrame() else { throw POSIXError(.ECONNRESET) }
                switch opcode {
                case 0x1: texts += 1
                case 0x8: return (payload.count >= 2 ? Int(payload[0]) << 8 | Int(payload[1]) : 1005, texts)
                default: break
                }
            }
        }
    }

    /// True once the server has closed the connection (and sent nothing more).
    func closedByServer() async throws -> Bool {
        try await offThread { self.buffer.isEmpty ? try !self.receive() : false }
    }

    /// A masked client text frame, as a browser sends it.
    static func textFrame(_ text: String, mask: [UInt8] = [0x37, 0xfa, 0x21, 0x3d]) -> [UInt8] {
        let payload = Array(text.utf8)
        precondition(payload.count < 65536, "frames of up to 64 KiB only")
        var frame: [UInt8] = [0x81]
        frame += payload.count < 126 ? [0x80 | UInt8(payload.count)] : [0x80 | 126, UInt8(payload.count >> 8), UInt8(payload.count & 0xff)]
        frame += mask
        frame += payload.enumerated().map { $0.element ^ mask[$0.offset % 4] }
        return frame
    }

    private func blockingHead() throws -> Head {
        let end = Array("\r\n\r\n".utf8)
        while true {
            if let range = buffer.firstRange(of: end) {
                let text = String(decoding: buffer[..<range.lowerBound], as: UTF8.self)
                buffer.removeSubrange(..<range.upperBound)
                let lines = text.components(separatedBy: "\r\n")
                guard let status = Int(lines[0].dropFirst(9).prefix(3)) else { throw POSIXError(.EBADMSG) }
                var headers: [String: String] = [:]
                for line in lines.dropFirst() {
                    guard let colon = line.firstIndex(of: ":") else { continue }
                    headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
                }
                return Head(status: status, text: text, headers: headers)
            }
            guard try receive() else { throw POSIXError(.ECONNRESET) }
        }
    }

    /// One unmasked frame from the server, or nil when the connection ended.
    private func nextFrame() throws -> (opcode: UInt8, payload: [UInt8])? {
        while true {
            if let frame = Self.takeFrame(from: &buffer) { return frame }
            guard try receive() else { return nil }
        }
    }

    /// Removes and returns the first whole frame in `buffer`, or nil if it has not all arrived.
    private static func takeFrame(from buffer: inout [UInt8]) -> (opcode: UInt8, payload: [UInt8])? {
        guard buffer.count >= 2 else { return nil }
        var length = Int(buffer[1] & 0x7f)
        var offset = 2
        if length == 126 {
            guard buffer.count >= 4 else { return nil }
            length = Int(buffer[2]) << 8 | Int(buffer[3])
            offset = 4
        } else if length == 127 {
            guard buffer.count >= 10 else { return nil }
            length = buffer[2..<10].reduce(0) { $0 << 8 | Int($1) }
            offset = 10
        }
        guard buffer.count >= offset + length else { return nil }
        let frame = (buffer[0] & 0x0f, Array(buffer[offset..<offset + length]))
        buffer.removeSubrange(..<(offset + length))
        return frame
    }

    /// Reads what has arrived; false when the server closed the connection.
    private func receive() throws -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65536)
        let count = recv(fd, &chunk, chunk.count, 0)
        if count < 0 { throw POSIXError(.ETIMEDOUT) }
        if count == 0 { return false }
        buffer += chunk[0..<count]
        return true
    }

    /// Blocking reads run on a thread of their own: they must not hold the few
    /// cooperative threads the server under test needs.
    private func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try body() }) }.start()
        }
    }
}
