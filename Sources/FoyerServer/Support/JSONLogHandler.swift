import Foundation
public import Logging
import FoyerCore

/// Writes each log record as one JSON object on one line (`--log-format json`), for log
/// shippers (journald, Loki, Vector, Fluent Bit) that parse lines without guessing:
///
///     {"time":"2026-12-04T16:20:00.123Z","level":"info","label":"foyer","message":"…","metadata":{"path":"…"}}
///
/// Metadata values keep their shape (strings, arrays, objects); a line is written with
/// one `write` so lines from several threads never interleave.
public struct JSONLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    public var metadataProvider: Logger.MetadataProvider?
    private let label: String
    private let output: @Sendable ([UInt8]) -> Void

    /// A handler writing to standard error, as the text format does.
    public static func standardError(label: String) -> JSONLogHandler {
        JSONLogHandler(label: label) { line in
            line.withUnsafeBytes { buffer in
                var offset = 0
                while offset < buffer.count {
                    let written = Foundation.write(2, buffer.baseAddress! + offset, buffer.count - offset)
                    if written <= 0 { return }
                    offset += written
                }
            }
        }
    }

    /// A handler handing each finished line (newline included) to `output`.
    public init(label: String, output: @escaping @Sendable ([UInt8]) -> Void) {
        self.label = label
        self.output = output
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        var json = JSONWriter(capacity: 256)
        json.raw("{\"time\":")
        json.string(Self.timestamp())
        json.raw(",\"level\":")
        json.string(event.level.rawValue)
        json.raw(",\"label\":")
        json.string(label)
        json.raw(",\"message\":")
        json.string(event.message.description)
        if !merged.isEmpty {
            json.raw(",\"metadata\":")
            Self.write(.dictionary(merged), to: &json)
        }
        json.raw(",\"source\":")
        json.string(event.source)
        json.raw("}\n")
        output(json.bytes)
    }

    private static func write(_ value: Logger.Metadata.Value, to json: inout JSONWriter) {
        switch value {
        case .string(let text):
            json.string(text)
        case .stringConvertible(let item):
            json.string(item.description)
        case .array(let items):
            json.raw("[")
            for (index, item) in items.enumerated() {
                if index > 0 { json.raw(",") }
                write(item, to: &json)
            }
            json.raw("]")
        case .dictionary(let entries):
            json.raw("{")
            // Sorted, so the same record always prints the same line.
            for (index, key) in entries.keys.sorted().enumerated() {
                if index > 0 { json.raw(",") }
                json.string(key)
                json.raw(":")
                write(entries[key]!, to: &json)
            }
            json.raw("}")
        }
    }

    /// RFC 3339 in UTC with milliseconds, which every log store parses.
    private static func timestamp() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var seconds = time_t(now.tv_sec)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", Int(parts.tm_year) + 1900, Int(parts.tm_mon) + 1, Int(parts.tm_mday),
            Int(parts.tm_hour), Int(parts.tm_min), Int(parts.tm_sec), Int(now.tv_nsec / 1_000_000))
    }
}
