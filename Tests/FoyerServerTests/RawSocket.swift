import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A client over a plain socket that sends exactly the bytes a test gives it, in the
/// pieces it chooses, and reads back the server's HTTP answer and WebSocket frames: for
/// tests of how the server reads a connection's first bytes.
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

    init(port: Int) throws {
        fd = try LoopbackSocket.dial(port: port, receiveTimeoutSeconds: 5)
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
            if let frame = ServerFrame.take(from: &buffer) { return frame }
            guard try receive() else { return nil }
        }
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
