import FoyerCore
import Foundation

/// The text of one batch in the cluster's log.
///
/// Every node decodes every batch of every node, so the frequent commands (page changes,
/// hellos, disconnects, ticks) travel as separator-delimited fields that decode without
/// `JSONDecoder` (which cost a tenth of a busy node's CPU); the rare ones (chats, closes)
/// carry their JSON in one field. The text is valid for a PostgreSQL `text` column and a
/// `NOTIFY` payload: no NUL byte, separators and backslashes escaped.
///
///     batch  = "1" RS record *(RS record)
///     record = account US ticket US kind *(US field)     ; empty account/ticket = none
///
/// A body starting with `[` is the JSON array of records the first cluster release wrote.
enum LiveBatchCodec {
    /// Between records (U+001E).
    static let recordSeparator: UInt8 = 0x1E
    /// Between fields (U+001F).
    static let fieldSeparator: UInt8 = 0x1F
    private static let backslash = UInt8(ascii: "\\")
    private static let version: UInt8 = UInt8(ascii: "1")

    /// A batch that cannot be read.
    struct Malformed: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: Encoding

    /// Encodes records as one batch body.
    static func encode(_ records: [LiveRecord]) -> String {
        var body = start()
        for record in records { append(record, to: &body) }
        return String(decoding: body, as: UTF8.self)
    }

    /// The bytes a batch starts with; ``append(_:to:)`` adds records.
    static func start() -> [UInt8] { [version] }

    /// Adds one record to a batch's bytes.
    static func append(_ record: LiveRecord, to body: inout [UInt8]) {
        body.append(recordSeparator)
        var fields = FieldWriter()
        swap(&fields.out, &body)
        defer { swap(&fields.out, &body) }
        fields.text(record.account ?? "")
        fields.raw(record.ticket.map(String.init) ?? "")
        switch record.command {
        case .navigate(let tab, let url, let title, let at):
            fields.raw("n")
            fields.text(tab)
            fields.text(url)
            fields.text(title)
            fields.raw(String(at))
        case .retitle(let tab, let title):
            fields.raw("r")
            fields.text(tab)
            fields.text(title)
        case .disconnect(let tab, let connection, let at):
            fields.raw("d")
            fields.text(tab)
            fields.raw(String(connection))
            fields.raw(String(at))
        case .hello(let hello, let connection, let at):
            fields.raw("h")
            fields.raw(String(connection))
            fields.raw(String(at))
            fields.text(hello.tab)
            fields.raw(hello.browserFirstSeen.map(String.init) ?? "")
            fields.text(hello.url)
            fields.text(hello.title)
            fields.text(hello.referrer)
            fields.text(hello.language)
            fields.text(hello.timezone)
            fields.text(hello.location.flatMap(json) ?? "")
            // Last and optional, so records written before they existed still read: the
            // client key, then (issue 18) device codes, visits, the campaign's JSON and the
            // browser key; empty fields stand for none when a later one follows.
            let profiled = hello.device != nil || hello.visits != nil || hello.campaign != nil || hello.browser != nil
            if hello.clientKey != nil || profiled { fields.text(hello.clientKey ?? "") }
            if profiled {
                fields.raw(hello.device.map(deviceField) ?? "")
                fields.raw(hello.visits.map(String.init) ?? "")
                fields.text(hello.campaign.flatMap(json) ?? "")
            }
            if let browser = hello.browser { fields.text(browser) }
        case .activity(let tab, let inactive, let at):
            fields.raw("a")
            fields.text(tab)
            fields.raw(inactive ? "1" : "0")
            fields.raw(String(at))
        case .tick(let at):
            fields.raw("t")
            fields.raw(String(at))
        case .open(let trackingEnabled, let configuration):
            fields.raw("o")
            fields.raw(trackingEnabled ? "1" : "0")
            fields.raw(configuration.map { rules in
                [
                    Int64(rules.entryLimit), rules.disconnectGraceMillis, rules.retentionMillis, Int64(rules.historyLimit), rules.returningAfterMillis,
                    Int64(rules.historyByteLimit), Int64(rules.addressSharePercent), Int64(rules.minimumPlacesPerAddress),
                    rules.invitationExpiryMillis,
                ].map(String.init).joined(separator: ",")
            } ?? "")
        case .dashboards(let node, let open):
            fields.raw("b")
            fields.raw(String(node))
            fields.raw(open ? "1" : "0")
        default:
            fields.raw("j")
            fields.text(json(record.command) ?? "")
        }
    }

    /// A device as five numbers: type, browser family and major, system family and major.
    private static func deviceField(_ device: DeviceInfo) -> String {
        let type = DeviceType.allCases.firstIndex(of: device.type) ?? 3
        return "\(type),\(device.browserFamily),\(device.browserMajor),\(device.systemFamily),\(device.systemMajor)"
    }

    private static func device(_ field: String) throws -> DeviceInfo? {
        guard !field.isEmpty else { return nil }
        let numbers = field.split(separator: ",").compactMap { UInt16($0) }
        guard numbers.count == 5, Int(numbers[0]) < DeviceType.allCases.count, numbers[1] < 256, numbers[3] < 256 else {
            throw Malformed(description: "bad device")
        }
        return DeviceInfo(
            type: DeviceType.allCases[Int(numbers[0])], browserFamily: UInt8(numbers[1]), browserMajor: numbers[2],
            systemFamily: UInt8(numbers[3]), systemMajor: numbers[4])
    }

    private static func json<T: Encodable>(_ value: T) -> String? {
        (try? JSONEncoder().encode(value)).map { String(decoding: $0, as: UTF8.self) }
    }

    /// Writes fields, escaping what could end a field or a record or is not valid text.
    private struct FieldWriter {
        var out: [UInt8] = []
        private var first = true

        mutating func raw(_ value: String) {
            separate()
            out.append(contentsOf: value.utf8)
        }

        mutating func text(_ value: String) {
            separate()
            for byte in value.utf8 {
                switch byte {
                case LiveBatchCodec.backslash: out.append(contentsOf: [backslash, backslash])
                case LiveBatchCodec.fieldSeparator: out.append(contentsOf: [backslash, UInt8(ascii: "f")])
                case LiveBatchCodec.recordSeparator: out.append(contentsOf: [backslash, UInt8(ascii: "r")])
                case 0: out.append(contentsOf: [backslash, UInt8(ascii: "0")])
                default: out.append(byte)
                }
            }
        }

        private mutating func separate() {
            if first { first = false } else { out.append(LiveBatchCodec.fieldSeparator) }
        }
    }

    // MARK: Decoding

    /// Decodes a batch body.
    static func decode(_ body: String) throws -> [LiveRecord] {
        var body = body
        return try body.withUTF8 { bytes in
            guard let head = bytes.first else { throw Malformed(description: "empty batch") }
            if head == UInt8(ascii: "[") {
                return try JSONDecoder().decode([LiveRecord].self, from: Data(bytes))
            }
            guard head == version else { throw Malformed(description: "unknown batch version \(head)") }
            var records: [LiveRecord] = []
            var start = 1
            while start < bytes.count {
                guard bytes[start] == recordSeparator else { throw Malformed(description: "expected a record at byte \(start)") }
                var end = start + 1
                while end < bytes.count && bytes[end] != recordSeparator { end += 1 }
                records.append(try record(UnsafeBufferPointer(rebasing: bytes[(start + 1)..<end])))
                start = end
            }
            return records
        }
    }

    private static func record(_ bytes: UnsafeBufferPointer<UInt8>) throws -> LiveRecord {
        var fields = bytes.split(separator: fieldSeparator, omittingEmptySubsequences: false)[...]
        func next() throws -> Slice<UnsafeBufferPointer<UInt8>> {
            guard let field = fields.popFirst() else { throw Malformed(description: "a record is missing fields") }
            return field
        }
        func text() throws -> String { try unescape(try next()) }
        func int() throws -> Int64 {
            guard let value = Int64(String(decoding: try next(), as: UTF8.self)) else { throw Malformed(description: "not a number") }
            return value
        }
        func optionalInt() throws -> Int64? {
            let field = try next()
            if field.isEmpty { return nil }
            guard let value = Int64(String(decoding: field, as: UTF8.self)) else { throw Malformed(description: "not a number") }
            return value
        }
        func connection() throws -> ConnectionID {
            guard let value = ConnectionID(String(decoding: try next(), as: UTF8.self)) else { throw Malformed(description: "not a connection") }
            return value
        }
        func flag() throws -> Bool { try next().elementsEqual("1".utf8) }

        let account = try text()
        let ticketField = try next()
        let ticket = ticketField.isEmpty ? nil : UInt64(String(decoding: ticketField, as: UTF8.self))
        if !ticketField.isEmpty && ticket == nil { throw Malformed(description: "not a ticket") }
        let kind = String(decoding: try next(), as: UTF8.self)
        let command: LiveCommand
        switch kind {
        case "n":
            command = .navigate(tab: try text(), url: try text(), title: try text(), at: try int())
        case "r":
            command = .retitle(tab: try text(), title: try text())
        case "d":
            command = .disconnect(tab: try text(), connection: try connection(), at: try int())
        case "h":
            let connection = try connection()
            let at = try int()
            let tab = try text()
            let firstSeen = try optionalInt()
            let url = try text()
            let title = try text()
            let referrer = try text()
            let language = try text()
            let timezone = try text()
            let locationJSON = try text()
            let location = locationJSON.isEmpty ? nil : try JSONDecoder().decode(VisitorLocation.self, from: Data(locationJSON.utf8))
            let clientKey = fields.isEmpty ? nil : try text()
            var hello = TabHello(
                tab: tab, browserFirstSeen: firstSeen, url: url, title: title, referrer: referrer,
                language: language, timezone: timezone, location: location, clientKey: clientKey?.isEmpty == false ? clientKey : nil)
            if !fields.isEmpty {
                hello.device = try device(String(decoding: try next(), as: UTF8.self))
                hello.visits = try optionalInt().map { Int($0) }
                let campaignJSON = try text()
                hello.campaign = campaignJSON.isEmpty ? nil : try JSONDecoder().decode(Campaign.self, from: Data(campaignJSON.utf8))
            }
            if !fields.isEmpty { hello.browser = try text() }
            command = .hello(hello, connection: connection, at: at)
        case "a":
            command = .activity(tab: try text(), inactive: try flag(), at: try int())
        case "t":
            command = .tick(at: try int())
        case "o":
            let enabled = try flag()
            let rules = String(decoding: try next(), as: UTF8.self)
            var configuration: RegistryConfiguration?
            if !rules.isEmpty {
                let numbers = rules.split(separator: ",").compactMap { Int64($0) }
                // Five numbers before the history's byte bound and the per-address share
                // existed, eight before the invitations' expiry.
                guard [5, 8, 9].contains(numbers.count), numbers.allSatisfy({ $0 >= 0 && $0 <= Int.max }), numbers[0] > 0, numbers[3] > 0 else {
                    throw Malformed(description: "bad account rules")
                }
                let defaults = RegistryConfiguration()
                configuration = RegistryConfiguration(
                    entryLimit: Int(numbers[0]), disconnectGraceMillis: numbers[1], retentionMillis: numbers[2],
                    historyLimit: Int(numbers[3]),
                    historyByteLimit: numbers.count >= 8 ? Int(numbers[5]) : defaults.historyByteLimit,
                    returningAfterMillis: numbers[4],
                    addressSharePercent: numbers.count >= 8 ? Int(numbers[6]) : defaults.addressSharePercent,
                    minimumPlacesPerAddress: numbers.count >= 8 ? Int(numbers[7]) : defaults.minimumPlacesPerAddress,
                    invitationExpiryMillis: numbers.count == 9 ? numbers[8] : defaults.invitationExpiryMillis)
            }
            command = .open(trackingEnabled: enabled, configuration: configuration)
        case "b":
            command = .dashboards(node: try int(), open: try flag())
        case "j":
            command = try JSONDecoder().decode(LiveCommand.self, from: Data(try text().utf8))
        default:
            throw Malformed(description: "unknown command kind \(kind)")
        }
        guard fields.isEmpty else { throw Malformed(description: "a \(kind) record has extra fields") }
        return LiveRecord(account: account.isEmpty ? nil : account, ticket: ticket, command: command)
    }

    private static func unescape(_ field: Slice<UnsafeBufferPointer<UInt8>>) throws -> String {
        guard field.contains(backslash) else { return String(decoding: field, as: UTF8.self) }
        var out = [UInt8]()
        out.reserveCapacity(field.count)
        var index = field.startIndex
        while index < field.endIndex {
            let byte = field[index]
            index += 1
            guard byte == backslash else {
                out.append(byte)
                continue
            }
            guard index < field.endIndex else { throw Malformed(description: "a field ends in an escape") }
            switch field[index] {
            case backslash: out.append(backslash)
            case UInt8(ascii: "f"): out.append(fieldSeparator)
            case UInt8(ascii: "r"): out.append(recordSeparator)
            case UInt8(ascii: "0"): out.append(0)
            default: throw Malformed(description: "unknown escape")
            }
            index += 1
        }
        return String(decoding: out, as: UTF8.self)
    }
}
