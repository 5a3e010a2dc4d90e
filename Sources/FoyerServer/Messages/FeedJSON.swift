import FoyerCore

/// Writes the feed's per-event messages (`added`, `changed`, `removed`, `counters`,
/// `tracking`) straight into bytes.
///
/// Every page change sends a whole entry with its page history to the dashboards;
/// Foundation's `JSONEncoder` spent about a sixth of the server's time on that. The
/// output is the same JSON document `FeedEntry` describes, key for key (``JSONWriter``'s
/// escaping), `null` for absent entry fields, absent location fields left out.
struct FeedJSON {
    private var writer: JSONWriter

    var bytes: [UInt8] { writer.bytes }

    init(capacity: Int = 512) {
        writer = JSONWriter(capacity: capacity)
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

    private mutating func raw(_ text: StaticString) { writer.raw(text) }
    private mutating func raw(_ text: String) { writer.raw(text) }
    private mutating func integer<Value: BinaryInteger>(_ value: Value) { writer.integer(value) }
    private mutating func number(_ value: Double) { writer.number(value) }
    mutating func string(_ text: String) { writer.string(text) }
}
