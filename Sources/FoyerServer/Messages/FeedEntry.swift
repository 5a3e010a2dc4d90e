import FoyerCore

/// An entry as dashboards see it: everything but the tab's own identity.
struct FeedEntry: Encodable {
    let entry: Entry

    private enum Keys: String, CodingKey {
        case id, number, name, status, connectedAt, pageSince, leftAt, url, title, referrer
        case language, timezone, returning, location, pages, chatId, pageCount, invitation
        case profile, device, visits, campaign, events
    }

    /// The feed's campaign: `campaign` for utm_campaign (``Campaign/name``).
    private struct CampaignJSON: Encodable {
        let source: String?
        let medium: String?
        let campaign: String?

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(source, forKey: .source)
            try container.encode(medium, forKey: .medium)
            try container.encode(campaign, forKey: .campaign)
        }

        private enum CodingKeys: String, CodingKey { case source, medium, campaign }
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
        try container.encode(entry.profile, forKey: .profile)
        try container.encode(entry.device, forKey: .device)
        try container.encode(entry.visits, forKey: .visits)
        try container.encode(entry.campaign.map { CampaignJSON(source: $0.source, medium: $0.medium, campaign: $0.name) }, forKey: .campaign)
        try container.encode(entry.events ?? [], forKey: .events)
    }
}
