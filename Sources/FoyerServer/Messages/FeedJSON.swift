import FoyerCore

/// Writes the feed's per-event messages (`added`, `changed`, `removed`, `counters`,
/// `tracking`) straight into bytes.
///
/// `added` carries the whole entry: the same JSON document `FeedEntry` describes, key
/// for key (``JSONWriter``'s escaping), `null` for absent entry fields, absent location
/// fields left out. `changed` carries only what changed (``changed(_:)``): a whole
/// entry with its history on every page view was up to ~120 KB per message for every
/// dashboard (issue 19).
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
        case .changed(let update):
            json.changed(update)
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
        raw(#","pages":"#)
        pages(entry.pages)
        raw(#","chatId":"#)
        if let chatID = entry.chatID { string(chatID) } else { raw("null") }
        raw(#","pageCount":"#)
        integer(entry.pageCount ?? entry.pages.count)
        raw(#","invitation":"#)
        invitation(entry.invitation)
        raw(#","profile":"#)
        profile(entry.profile)
        raw(#","device":"#)
        device(entry.device)
        raw(#","visits":"#)
        if let visits = entry.visits { integer(visits) } else { raw("null") }
        raw(#","campaign":"#)
        campaign(entry.campaign)
        raw(#","events":"#)
        events(entry.events)
        raw("}")
    }

    /// `{"type":"changed","id":…,"set":{…},"pages":{"drop":d,"keep":k,"add":[…]}}`: `set`
    /// holds the entry fields whose value changed (`null` clears one), `pages` is there
    /// only when the history changed: keep the old history's pages `drop ..< drop+keep`,
    /// then append `add` (a navigation: `add` is the new page, `drop` the pages the
    /// bounds pushed out; a retitle: the last page again with its new title).
    mutating func changed(_ update: EntryUpdate) {
        let entry = update.entry
        let old = update.previous
        raw(#"{"type":"changed","id":"#)
        string(entry.id)
        raw(#","set":{"#)
        var first = true
        func key(_ name: StaticString, _ json: inout FeedJSON) {
            if !first { json.raw(",") }
            json.raw(name)
            first = false
        }
        if entry.number != old.number {
            key(#""number":"#, &self)
            integer(entry.number)
            raw(#","name":"Visitor "#)
            integer(entry.number)
            raw("\"")
        }
        if entry.status != old.status { key(#""status":"#, &self); string(entry.status.rawValue) }
        if entry.connectedAt != old.connectedAt { key(#""connectedAt":"#, &self); integer(entry.connectedAt) }
        if entry.pageSince != old.pageSince { key(#""pageSince":"#, &self); integer(entry.pageSince) }
        if entry.leftAt != old.leftAt {
            key(#""leftAt":"#, &self)
            if let leftAt = entry.leftAt { integer(leftAt) } else { raw("null") }
        }
        if entry.url != old.url { key(#""url":"#, &self); string(entry.url) }
        if entry.title != old.title { key(#""title":"#, &self); string(entry.title) }
        if entry.referrer != old.referrer { key(#""referrer":"#, &self); string(entry.referrer) }
        if entry.language != old.language { key(#""language":"#, &self); string(entry.language) }
        if entry.timezone != old.timezone { key(#""timezone":"#, &self); string(entry.timezone) }
        if entry.returning != old.returning { key(#""returning":"#, &self); raw(entry.returning ? "true" : "false") }
        if entry.location != old.location {
            key(#""location":"#, &self)
            if let location = entry.location { self.location(location) } else { raw("null") }
        }
        if entry.chatID != old.chatID {
            key(#""chatId":"#, &self)
            if let chatID = entry.chatID { string(chatID) } else { raw("null") }
        }
        if entry.pageCount != old.pageCount { key(#""pageCount":"#, &self); integer(entry.pageCount ?? entry.pages.count) }
        if entry.invitation != old.invitation { key(#""invitation":"#, &self); invitation(entry.invitation) }
        if entry.profile != old.profile { key(#""profile":"#, &self); profile(entry.profile) }
        if entry.device != old.device { key(#""device":"#, &self); device(entry.device) }
        if entry.visits != old.visits {
            key(#""visits":"#, &self)
            if let visits = entry.visits { integer(visits) } else { raw("null") }
        }
        if entry.campaign != old.campaign { key(#""campaign":"#, &self); campaign(entry.campaign) }
        if entry.events != old.events { key(#""events":"#, &self); events(entry.events) }
        raw("}")
        if let pages = update.pages {
            raw(#","pages":{"drop":"#)
            integer(pages.drop)
            raw(#","keep":"#)
            integer(pages.keep)
            raw(#","add":"#)
            self.pages(pages.added)
            raw("}")
        }
        raw("}")
    }

    private mutating func pages(_ pages: some Collection<PageView>) {
        raw("[")
        for (index, page) in pages.enumerated() {
            raw(index == 0 ? #"{"url":"# : #",{"url":"#)
            string(page.url)
            raw(#","title":"#)
            string(page.title)
            raw(#","at":"#)
            integer(page.at)
            raw("}")
        }
        raw("]")
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

    /// `{"id","message","agent","trigger","state","sentAt","updatedAt"}` or `null`; the
    /// agent's user id stays server-side.
    private mutating func invitation(_ invitation: Invitation?) {
        guard let invitation else { return raw("null") }
        raw(#"{"id":"#)
        string(invitation.id)
        raw(#","message":"#)
        string(invitation.message)
        raw(#","agent":"#)
        string(invitation.agent)
        raw(#","trigger":"#)
        if let trigger = invitation.trigger { string(trigger) } else { raw("null") }
        raw(#","state":"#)
        string(invitation.state.rawValue)
        raw(#","sentAt":"#)
        integer(invitation.sentAt)
        raw(#","updatedAt":"#)
        integer(invitation.updatedAt)
        raw("}")
    }

    private mutating func optionalString(_ text: String?) {
        if let text { string(text) } else { raw("null") }
    }

    private mutating func profile(_ profile: VisitorProfile?) {
        guard let profile else { return raw("null") }
        raw(#"{"id":"#)
        optionalString(profile.id)
        raw(#","name":"#)
        optionalString(profile.name)
        raw(#","email":"#)
        optionalString(profile.email)
        raw(profile.verified ? #","verified":true,"attributes":["# : #","verified":false,"attributes":["#)
        for (index, attribute) in profile.attributes.enumerated() {
            raw(index == 0 ? #"{"name":"# : #",{"name":"#)
            string(attribute.name)
            raw(#","value":"#)
            switch attribute.value {
            case .string(let text): string(text)
            case .number(let value): number(value)
            case .bool(let flag): raw(flag ? "true" : "false")
            }
            raw("}")
        }
        raw("]}")
    }

    private mutating func device(_ device: DeviceInfo?) {
        guard let device else { return raw("null") }
        raw(#"{"type":"#)
        string(device.type.rawValue)
        raw(#","browser":"#)
        string(device.browser)
        raw(#","os":"#)
        string(device.os)
        raw("}")
    }

    private mutating func campaign(_ campaign: Campaign?) {
        guard let campaign else { return raw("null") }
        raw(#"{"source":"#)
        optionalString(campaign.source)
        raw(#","medium":"#)
        optionalString(campaign.medium)
        raw(#","campaign":"#)
        optionalString(campaign.name)
        raw("}")
    }

    private mutating func events(_ events: [TrackedEvent]?) {
        raw("[")
        for (index, event) in (events ?? []).enumerated() {
            raw(index == 0 ? #"{"name":"# : #",{"name":"#)
            string(event.name)
            raw(#","at":"#)
            integer(event.at)
            raw("}")
        }
        raw("]")
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
