import NIOCore
import NIOHTTP1

/// A tracker's WebSocket upgrade request (`GET /track?…`) read straight from a new
/// connection's first bytes, for ``FirstRequestHandler``'s fast path.
///
/// Deliberately narrow: it accepts only the plain shape browsers send (HTTP/1.1, no body,
/// no folded or non-ASCII header lines, the four upgrade headers present and valid, a
/// base64 16-byte key) and
/// calls everything else ``Reading/other``, which goes to the general HTTP pipeline
/// unchanged. It never refuses anything itself, so a request it does not understand is
/// answered exactly as before.
struct TrackerUpgradeRequest {
    enum Reading {
        /// The bytes so far could still be such a request.
        case needMore
        /// Not one: hand the bytes to the general HTTP pipeline.
        case other
        /// A complete request whose head took `headBytes` bytes.
        case request(TrackerUpgradeRequest, headBytes: Int)
    }

    let head: HTTPRequestHead
    /// The `Sec-WebSocket-Key` the 101 answers.
    let key: String

    /// Heads longer than this go to the general pipeline (and its own limits).
    static let maxHeadBytes = 8192
    static let maxHeaders = 64
    private static let start = Array("GET /track".utf8)
    private static let version = Array(" HTTP/1.1".utf8)

    /// Reads a request from the start of `bytes`.
    static func read(_ bytes: ByteBuffer) -> Reading {
        bytes.withUnsafeReadableBytes { read(UnsafeRawBufferPointer($0)) }
    }

    static func read(_ bytes: UnsafeRawBufferPointer) -> Reading {
        // "GET /track" then "?" or " ": anything else is another request.
        let prefix = min(bytes.count, start.count + 1)
        for index in 0..<prefix {
            let byte = bytes[index]
            if index < start.count {
                guard byte == start[index] else { return .other }
            } else {
                guard byte == UInt8(ascii: "?") || byte == UInt8(ascii: " ") else { return .other }
            }
        }
        guard let end = headEnd(bytes) else { return bytes.count >= maxHeadBytes ? .other : .needMore }
        guard let request = parse(UnsafeRawBufferPointer(rebasing: bytes[0..<end])) else { return .other }
        return .request(request, headBytes: end + 4)
    }

    /// Where the blank line ending the head starts, within the first `maxHeadBytes`.
    private static func headEnd(_ bytes: UnsafeRawBufferPointer) -> Int? {
        let limit = min(bytes.count, maxHeadBytes)
        guard limit >= 4 else { return nil }
        var index = 0
        while index + 3 < limit {
            if bytes[index] == 13, bytes[index + 1] == 10, bytes[index + 2] == 13, bytes[index + 3] == 10 { return index }
            index += 1
        }
        return nil
    }

    /// Parses the head (without its blank line); nil for anything outside the narrow shape.
    private static func parse(_ head: UnsafeRawBufferPointer) -> TrackerUpgradeRequest? {
        var lines: [UnsafeRawBufferPointer] = []
        var lineStart = 0
        var index = 0
        while index < head.count {
            let byte = head[index]
            if byte == 13 {
                guard index + 1 < head.count, head[index + 1] == 10 else { return nil }
                lines.append(UnsafeRawBufferPointer(rebasing: head[lineStart..<index]))
                index += 2
                lineStart = index
                continue
            }
            // Bare line feeds, control characters and non-ASCII bytes: the general parser's call.
            guard byte == 9 || (byte >= 32 && byte < 127) else { return nil }
            index += 1
        }
        lines.append(UnsafeRawBufferPointer(rebasing: head[lineStart..<head.count]))
        guard lines.count - 1 <= maxHeaders, let uri = target(lines[0]) else { return nil }

        var headers = HTTPHeaders()
        headers.reserveCapacity(lines.count - 1)
        var upgrade = false
        var connectionUpgrade = false
        var version = false
        var key: String?
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
            let name = UnsafeRawBufferPointer(rebasing: line[0..<colon])
            guard name.allSatisfy(isTokenByte) else { return nil }
            var from = colon + 1
            var to = line.count
            while from < to, line[from] == 32 || line[from] == 9 { from += 1 }
            while to > from, line[to - 1] == 32 || line[to - 1] == 9 { to -= 1 }
            let nameText = String(decoding: name, as: UTF8.self)
            let value = String(decoding: UnsafeRawBufferPointer(rebasing: line[from..<to]), as: UTF8.self)
            switch nameText.lowercased() {
            case "upgrade":
                guard !upgrade, value.lowercased() == "websocket" else { return nil }
                upgrade = true
            case "connection":
                if value.split(separator: ",").contains(where: { $0.trimmingSpaces().lowercased() == "upgrade" }) { connectionUpgrade = true }
            case "sec-websocket-version":
                guard !version, value == "13" else { return nil }
                version = true
            case "sec-websocket-key":
                // Base64 of 16 bytes, as browsers send; anything else is NIO's to judge.
                guard key == nil, isKey(value) else { return nil }
                key = value
            case "content-length", "transfer-encoding":
                return nil
            default:
                break
            }
            headers.add(name: nameText, value: value)
        }
        guard upgrade, connectionUpgrade, version, let key else { return nil }
        return TrackerUpgradeRequest(head: HTTPRequestHead(version: .http1_1, method: .GET, uri: uri, headers: headers), key: key)
    }

    /// The request target of `GET <target> HTTP/1.1` when its path is exactly `/track`.
    private static func target(_ line: UnsafeRawBufferPointer) -> String? {
        guard line.count > 4 + version.count else { return nil }
        let targetEnd = line.count - version.count
        guard line[targetEnd...].elementsEqual(version) else { return nil }
        let target = UnsafeRawBufferPointer(rebasing: line[4..<targetEnd])
        // No spaces inside the target; its path ends at "?" or at its end.
        guard !target.contains(32) else { return nil }
        let pathEnd = target.firstIndex(of: UInt8(ascii: "?")) ?? target.count
        guard pathEnd == start.count - 4 else { return nil }
        return String(decoding: target, as: UTF8.self)
    }

    /// 24 base64 characters ending in `==`: a 16-byte nonce (RFC 6455 section 4.1).
    private static func isKey(_ value: String) -> Bool {
        let bytes = Array(value.utf8)
        guard bytes.count == 24, bytes[22] == UInt8(ascii: "="), bytes[23] == UInt8(ascii: "=") else { return false }
        return bytes[..<22].allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
                UInt8(ascii: "+"), UInt8(ascii: "/"):
                true
            default: false
            }
        }
    }

    /// RFC 9110 token characters.
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"): true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "'"),
            UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "^"), UInt8(ascii: "_"),
            UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            true
        default: false
        }
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> Substring {
        var result = self
        while let first = result.first, first == " " || first == "\t" { result = result.dropFirst() }
        while let last = result.last, last == " " || last == "\t" { result = result.dropLast() }
        return result
    }
}
