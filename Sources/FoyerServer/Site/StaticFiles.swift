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
                // The folder's README describes the assets for developers; it is not served.
                guard url.lastPathComponent != "README.md",
                    (try? url.resourceValues(forKeys: [.isRegularFileKey]).isRegularFile) == true,
                    let raw = try? Data(contentsOf: url)
                else { continue }
                let path = String(url.standardizedFileURL.path.dropFirst(prefix.count))
                let data = Self.compactScripts.contains(path) ? Self.compact(raw, renamingLocals: Self.renamedScripts.contains(path)) : raw
                let digest = SHA256.hash(data: data).prefix(8).map { String(format: "%02x", $0) }.joined()
                files[path] = File(bytes: Array(data), contentType: Self.contentType(url.pathExtension), etag: "\"\(digest)\"")
            }
        }
        self.files = files
    }

    subscript(path: String) -> File? { files[path] }

    /// Scripts loaded on customers' pages, sent minified so their readable source
    /// costs visitors nothing.
    static let compactScripts: Set<String> = ["/foyer.js", "/widget.js"]

    /// The scripts whose local names are shortened too: the tracker, loaded on every
    /// page within its budget (written for ``ScriptMinifier/Renaming``).
    static let renamedScripts: Set<String> = ["/foyer.js"]

    /// The script as served: see `ScriptMinifier` for what it may contain.
    static func compact(_ data: Data, renamingLocals: Bool = false) -> Data {
        Data(ScriptMinifier.minify(Array(data), renamingLocals: renamingLocals))
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
