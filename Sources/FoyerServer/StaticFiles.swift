import Crypto
import Foundation

/// The pages, scripts and map data Foyer serves, read once from the bundle into memory.
final class StaticFiles: Sendable {
    struct File: Sendable {
        let bytes: [UInt8]
        let contentType: String
        let etag: String
    }

    private let files: [String: File]

    /// Loads every file under the bundled `Public` folder, keyed by path (`/foyer.js`).
    init() {
        var files: [String: File] = [:]
        if let root = Bundle.module.url(forResource: "Public", withExtension: nil),
            let walker = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey])
        {
            let prefix = root.standardizedFileURL.path
            for case let url as URL in walker {
                guard (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                    let raw = try? Data(contentsOf: url)
                else { continue }
                let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
                let data = Self.compactScripts.contains(path) ? Self.compact(raw) : raw
                let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
                files[path] = File(bytes: Array(data), contentType: Self.contentType(url.pathExtension), etag: "\"\(digest)\"")
            }
        }
        self.files = files
    }

    subscript(path: String) -> File? { files[path] }

    /// Scripts loaded on customers' pages, sent without comment lines and indentation
    /// so their readable source costs visitors nothing.
    static let compactScripts: Set<String> = ["/foyer.js", "/widget.js"]

    /// Drops whole-line `//` comments, indentation and blank lines. Only for our own
    /// scripts, which keep every comment on a line of its own and no multi-line strings.
    static func compact(_ data: Data) -> Data {
        let lines = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: true)
        let kept = lines.compactMap { line -> Substring? in
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            return trimmed.isEmpty || trimmed.hasPrefix("//") ? nil : trimmed
        }
        return Data((kept.joined(separator: "\n") + "\n").utf8)
    }

    private static func contentType(_ fileExtension: String) -> String {
        switch fileExtension {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "json": "application/json"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "ico": "image/x-icon"
        case "woff2": "font/woff2"
        default: "application/octet-stream"
        }
    }
}
