import FoyerCore

/// Writes the feed's per-event messages (`added`, `changed`, `removed`, `counters`,
/// `tracking`) straight into bytes.
///
/// Every page change sends a whole entry with its page history to the dashboards;
/// Foundation's `JSONEncoder` spent about a sixth of the server's time on that. The
/// output is the same JSON document `FeedEntry` describes, key for key: strings escaped
/// as `JSONEncoder` does with `.withoutEscapingSlashes`, `null` for absent entry
/// fields, absent location fields left out.
struct FeedJSON {
    private(set) var bytes: [UInt8] = []

    init(capacity: Int = 512) {
        bytes.reserveCapacity(capacity)
    }

    /// The message for one registry event.
    static func event(_ event: RegistryEvent) -> [UInt8] {
        var json = FeedJSON()
        switch event {
        case .added(let entry):
            json.raw(#"{"type":"added","entry":"#)
            json.entry(entry)
            json.raw("}")
        case .changed(let entry):
            json.raw(#"{"type":"changed","entry":"#)
            json.entry(entry)
            json.raw("}")
        case .removed(let id, let reason):
            json.raw(#"{"type":"removed","id":"#)
            json.string(id)
            json.raw(#","reason":"#)
            json.string(reason.rawValue)
            json.raw("}")
        case .counters(let counters):
            json.raw(#"{"type":"counters","counters":"#)
            json.counters(counters)
            json.raw("}")
        case .tracking(let enabled):
            json.raw(enabled ? #"{"type":"tracking","enabled":true}"# : #"{"type":"tracking","enabled":false}"#)
        }
        return json.bytes
    }

    mutating func entry(_ entry: Entry) {
        raw(#"{"id":"#)
        string(entry.id)
        raw(#","number":"#)
        integer(entry.number)
        raw(#","name":"Visitor "#)
        integer(entry.number)
        raw(#"","status":"#)
        string(entry.status.rawValue)
        raw(#","connectedAt":"#)
        integer(entry.connectedAt)
        raw(#","pageSince":"#)
        integer(entry.pageSince)
        raw(#","leftAt":"#)
        if let leftAt = entry.leftAt { integer(leftAt) } else { raw("null") }
        raw(#","url":"#)
        string(entry.url)
        raw(#","title":"#)
        string(entry.title)
        raw(#","referrer":"#)
        string(entry.referrer)
        raw(#","language":"#)
        string(entry.language)
        raw(#","timezone":"#)
        string(entry.timezone)
        raw(entry.returning ? #","returning":true,"location":"# : #","returning":false,"location":"#)
        if let location = entry.location { self.location(location) } else { raw("null") }
        raw(#","pages":["#)
        for (index, page) in entry.pages.enumerated() {
            raw(index == 0 ? #"{"url":"# : #",{"url":"#)
            string(page.url)
            raw(#","title":"#)
            string(page.title)
            raw(#","at":"#)
            integer(page.at)
            raw("}")
        }
        raw(#"],"chatId":"#)
        if let chatID = entry.chatID { string(chatID) } else { raw("null") }
        raw("}")
    }

    private mutating func location(_ location: VisitorLocation) {
        // Absent fields are left out, as VisitorLocation's own Codable conformance does.
        raw("{")
        var first = true
        func key(_ name: String, _ json: inout FeedJSON) {
            json.raw(first ? "\"" : ",\"")
            json.raw(name)
            json.raw("\":")
            first = false
        }
        if let countryCode = location.countryCode { key("countryCode", &self); string(countryCode) }
        if let country = location.country { key("country", &self); string(country) }
        if let city = location.city { key("city", &self); string(city) }
        if let latitude = location.latitude { key("latitude", &self); number(latitude) }
        if let longitude = location.longitude { key("longitude", &self); number(longitude) }
        key("source", &self)
        string(location.source.rawValue)
        raw("}")
    }

    private mutating func counters(_ counters: Counters) {
        raw(#"{"live":"#)
        integer(counters.live)
        raw(#","chats":"#)
        integer(counters.chats)
        raw(#","waiting":"#)
        integer(counters.waiting)
        raw("}")
    }

    private mutating func raw(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    private mutating func raw(_ text: String) {
        bytes.append(contentsOf: text.utf8)
    }

    private mutating func integer<Value: BinaryInteger>(_ value: Value) {
        bytes.append(contentsOf: String(value).utf8)
    }

    /// A finite number as Swift prints it (shortest round-trip form, valid JSON);
    /// `null` for the impossible NaN or infinity, which JSON cannot carry.
    private mutating func number(_ value: Double) {
        guard value.isFinite else { return raw("null") }
        if value == value.rounded(), abs(value) < 1e15 {
            integer(Int64(value))
        } else {
            bytes.append(contentsOf: value.description.utf8)
        }
    }

    /// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00XX`
    /// escapes, everything else (slashes and non-ASCII included) as is.
    mutating func string(_ text: String) {
        bytes.append(.quote)
        var text = text
        text.withUTF8 { utf8 in
            var start = 0
            for index in 0..<utf8.count {
                let byte = utf8[index]
                guard byte < 0x20 || byte == .quote || byte == .backslash else { continue }
                bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start..<index]))
                start = index + 1
                switch byte {
                case .quote: bytes.append(contentsOf: [.backslash, .quote])
                case .backslash: bytes.append(contentsOf: [.backslash, .backslash])
                case 0x0A: bytes.append(contentsOf: [.backslash, UInt8(ascii: "n")])
                case 0x0D: bytes.append(contentsOf: [.backslash, UInt8(ascii: "r")])
                case 0x09: bytes.append(contentsOf: [.backslash, UInt8(ascii: "t")])
                case 0x08: bytes.append(contentsOf: [.backslash, UInt8(ascii: "b")])
                case 0x0C: bytes.append(contentsOf: [.backslash, UInt8(ascii: "f")])
                default:
                    let hex = Array("0123456789abcdef".utf8)
                    bytes.append(contentsOf: [.backslash, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0x0F)]])
                }
            }
            bytes.append(contentsOf: UnsafeBufferPointer(rebasing: utf8[start...]))
        }
        bytes.append(.quote)
    }
}

extension UInt8 {
    fileprivate static let quote = UInt8(ascii: "\"")
    fileprivate static let backslash = UInt8(ascii: "\\")
}
