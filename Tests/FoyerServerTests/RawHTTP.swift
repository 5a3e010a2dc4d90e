import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal blocking HTTP/1.1 client over a plain socket, so tests can see exactly what
/// the server answers (status and JSON body), including to refused WebSocket upgrades.
enum RawHTTP {
    struct Response {
        let status: Int
        let headers: [String: String]
        let body: String
    }

    static func request(
        port: Int, method: String = "GET", path: String, headers: [String: String] = [:], body: String = ""
    ) async throws -> Response {
        // A thread of its own: blocking calls must not hold the few cooperative threads
        // the server under test needs.
        try await withCheckedThrowingContinuation { continuation in
            Thread { continuation.resume(with: Result { try blocking(port: port, method: method, path: path, headers: headers, body: body) }) }.start()
        }
    }

    /// A WebSocket upgrade request that the server may refuse.
    static func upgrade(port: Int, path: String, headers: [String: String] = [:]) async throws -> Response {
        var all = headers
        all["Upgrade"] = "websocket"
        all["Connection"] = "Upgrade"
        all["Sec-WebSocket-Key"] = "dGhlIHNhbXBsZSBub25jZQ=="
        all["Sec-WebSocket-Version"] = "13"
        return try await request(port: port, path: path, headers: all)
    }

    private static func blocking(port: Int, method: String, path: String, headers: [String: String], body: String) throws -> Response {
        let fd = try LoopbackSocket.dial(port: port, receiveTimeoutSeconds: 5)
        defer { close(fd) }
        var text = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nConnection: close\r\n"
        for (name, value) in headers where name != "Connection" { text += "\(name): \(value)\r\n" }
        if let connection = headers["Connection"] { text = text.replacingOccurrences(of: "Connection: close", with: "Connection: \(connection)") }
        if !body.isEmpty { text += "Content-Length: \(body.utf8.count)\r\n" }
        text += "\r\n" + body
        _ = text.withCString { send(fd, $0, strlen($0), 0) }
        var data = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = recv(fd, &chunk, chunk.count, 0)
            if count <= 0 { break }
            data += chunk[0..<count]
            if let parsed = parse(data), parsed.complete { return parsed.response }
        }
        guard let parsed = parse(data) else { throw POSIXError(.EBADMSG) }
        return parsed.response
    }

    private static func parse(_ data: [UInt8]) -> (response: Response, complete: Bool)? {
        let text = String(decoding: data, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else { return nil }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = lines.first, statusLine.count >= 12, let status = Int(statusLine.dropFirst(9).prefix(3)) else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        let body = String(text[split.upperBound...])
        let complete = headers["content-length"].flatMap(Int.init).map { body.utf8.count >= $0 } ?? false
        return (Response(status: status, headers: headers, body: body), complete)
    }
}
