import Foundation
import FoyerCore

/// An entry as its row stores it: the JSON document `Entry`'s `Codable` conformance
/// reads back (absent optionals left out), written by ``JSONWriter``.
///
/// Every new tab and every page change rewrites its entry's row; `JSONEncoder` cost more
/// than the SQLite insert itself.
enum EntryRecordJSON {
    static func encode(_ entry: Entry) -> String {
        var json = JSONWriter(capacity: 384 + 128 * entry.pages.count)
        json.raw(#"{"id":"#)
        json.string(entry.id)
        json.raw(#","tab":"#)
        json.string(entry.tab)
        json.raw(#","number":"#)
        json.integer(entry.number)
        json.raw(#","status":"#)
        json.string(entry.status.rawValue)
        json.raw(#","connectedAt":"#)
        json.integer(entry.connectedAt)
        json.raw(#","pageSince":"#)
        json.integer(entry.pageSince)
        if let leftAt = entry.leftAt {
            json.raw(#","leftAt":"#)
            json.integer(leftAt)
        }
        json.raw(#","url":"#)
        json.string(entry.url)
        json.raw(#","title":"#)
        json.string(entry.title)
        json.raw(#","referrer":"#)
        json.string(entry.referrer)
        json.raw(#","language":"#)
        json.string(entry.language)
        json.raw(#","timezone":"#)
        json.string(entry.timezone)
        json.raw(entry.returning ? #","returning":true"# : #","returning":false"#)
        if let location = entry.location {
            json.raw(#","location":{"source":"#)
            json.string(location.source.rawValue)
            if let countryCode = location.countryCode {
                json.raw(#","countryCode":"#)
                json.string(countryCode)
            }
            if let country = location.country {
                json.raw(#","country":"#)
                json.string(country)
            }
            if let city = location.city {
                json.raw(#","city":"#)
                json.string(city)
            }
            if let latitude = location.latitude, latitude.isFinite {
                json.raw(#","latitude":"#)
                json.number(latitude)
            }
            if let longitude = location.longitude, longitude.isFinite {
                json.raw(#","longitude":"#)
                json.number(longitude)
            }
            json.raw("}")
        }
        json.raw(#","pages":["#)
        for (index, page) in entry.pages.enumerated() {
            json.raw(index == 0 ? #"{"url":"# : #",{"url":"#)
            json.string(page.url)
            json.raw(#","title":"#)
            json.string(page.title)
            json.raw(#","at":"#)
            json.integer(page.at)
            json.raw("}")
        }
        json.raw("]")
        if let chatID = entry.chatID {
            json.raw(#","chatID":"#)
            json.string(chatID)
        }
        if let invitation = entry.invitation { self.invitation(invitation, to: &json) }
        if let autoInvited = entry.autoInvited { json.raw(autoInvited ? #","autoInvited":true"# : #","autoInvited":false"#) }
        if let browser = entry.browser {
            json.raw(#","browser":"#)
            json.string(browser)
        }
        if let inactiveSince = entry.inactiveSince {
            json.raw(#","inactiveSince":"#)
            json.integer(inactiveSince)
        }
        if let pageCount = entry.pageCount {
            json.raw(#","pageCount":"#)
            json.integer(pageCount)
        }
        if let visits = entry.visits {
            json.raw(#","visits":"#)
            json.integer(visits)
        }
        // Every entry has a device, so it is written by hand like the rest; the others are
        // absent from most entries, and their `Codable` forms cost only where present.
        if let device = entry.device {
            json.raw(#","device":{"type":"#)
            json.string(device.type.rawValue)
            json.raw(#","browser":"#)
            json.string(device.browser)
            json.raw(#","os":"#)
            json.string(device.os)
            json.raw("}")
        }
        encoded("profile", entry.profile, to: &json)
        encoded("campaign", entry.campaign, to: &json)
        encoded("events", entry.events, to: &json)
        json.raw("}")
        return String(decoding: json.bytes, as: UTF8.self)
    }

    /// `,"key":…` with the value's `Codable` form, when there is a value.
    private static func encoded<Value: Encodable>(_ key: String, _ value: Value?, to json: inout JSONWriter) {
        guard let value, let data = try? encoder.encode(value) else { return }
        json.raw(",\"\(key)\":")
        json.raw(String(decoding: data, as: UTF8.self))
    }

    private static let encoder = JSONEncoder()

    /// `,"invitation":{…}` as `Invitation`'s `Codable` conformance reads it back.
    private static func invitation(_ invitation: Invitation, to json: inout JSONWriter) {
        json.raw(#","invitation":{"id":"#)
        json.string(invitation.id)
        json.raw(#","message":"#)
        json.string(invitation.message)
        json.raw(#","agent":"#)
        json.string(invitation.agent)
        if let agentID = invitation.agentID {
            json.raw(#","agentID":"#)
            json.string(agentID)
        }
        if let trigger = invitation.trigger {
            json.raw(#","trigger":"#)
            json.string(trigger)
        }
        json.raw(#","state":"#)
        json.string(invitation.state.rawValue)
        json.raw(#","sentAt":"#)
        json.integer(invitation.sentAt)
        json.raw(#","updatedAt":"#)
        json.integer(invitation.updatedAt)
        json.raw("}")
    }
}
