import FoyerCore

/// An entry as dashboards see it: everything but the tab's own identity.
struct FeedEntry: Encodable {
    let entry: Entry

    private enum Keys: String, CodingKey {
        case id, number, name, status, connectedAt, pageSince, leftAt, url, title, referrer
        case language, timezone, returning, location, pages, chatId, pageCount, invitation
    }


    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: Keys.self)
        try container.encode(entry.id, forKey: .id)
        try container.encode(entry.number, forKey: .number)
        try container.encode(entry.name, forKey: .name)
        try container.encode(entry.status, forKey: .status)
        try container.encode(entry.connectedAt, forKey: .connectedAt)
        try container.encode(entry.pageSince, forKey: .pageSince)
        try container.encode(entry.leftAt, forKey: .leftAt)
        try container.encode(entry.url, forKey: .url)
        try container.encode(entry.title, forKey: .title)
        try container.encode(entry.referrer, forKey: .referrer)
        try container.encode(entry.language, forKey: .language)
        try container.encode(entry.timezone, forKey: .timezone)
        try container.encode(entry.returning, forKey: .returning)
        try container.encode(entry.location, forKey: .location)
        try container.encode(entry.pages, forKey: .pages)
        try container.encode(entry.chatID, forKey: .chatId)
        try container.encode(entry.pageCount ?? entry.pages.count, forKey: .pageCount)
        try container.encode(entry.invitation.map(InvitationView.init), forKey: .invitation)
    }
}
