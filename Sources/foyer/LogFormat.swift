import FoyerServer
import Logging

/// `--log-format`: how log records are written to standard error.
enum LogFormat {
    /// Installs the handler for `name` (`text`, the default, or `json`); call once, first.
    static func bootstrap(_ name: String?) throws {
        switch name?.lowercased() ?? "text" {
        case "text":
            break  // swift-log's default: one human-readable line per record on stderr
        case "json":
            LoggingSystem.bootstrap { label in JSONLogHandler.standardError(label: label) }
        default:
            throw CommandFailure("log format must be text or json, not \(name ?? "")")
        }
    }
}
