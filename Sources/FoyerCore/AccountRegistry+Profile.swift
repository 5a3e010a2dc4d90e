/// Who the visitor is (issue 18): identity, attributes and tracked events live on the
/// entry, so they follow the tab across navigations and reloads (the entry does).
/// Commands for tabs without a shown entry (waiting, archived) change nothing.
extension AccountRegistry {
    /// `foyer('identify', …)`: sets id, name, email and whether the hash was valid;
    /// the attributes stay as they are.
    public mutating func identify(tab: String, identity: VisitorProfile, now: Int64) -> [RegistryEvent] {
        change(tab: tab) { entry in
            var profile = entry.profile ?? VisitorProfile()
            profile.id = identity.id
            profile.name = identity.name
            profile.email = identity.email
            profile.verified = identity.verified
            entry.profile = profile
        }
    }

    /// `foyer('set', …)`: sets attributes (known names in place, new ones appended).
    /// Refused whole (no change) if the entry would hold more than
    /// ``ProfileRules/maxAttributes``; the server checked it before, this keeps it true
    /// when two nodes raced.
    public mutating func setAttributes(tab: String, _ attributes: [VisitorAttribute], now: Int64) -> [RegistryEvent] {
        change(tab: tab) { entry in
            let merged = (entry.profile ?? VisitorProfile()).setting(attributes)
            guard merged.attributes.count <= ProfileRules.maxAttributes else { return }
            entry.profile = merged
        }
    }

    /// `foyer('track', name)`: appends the event, keeping the last ``Entry/maxEvents``.
    public mutating func track(tab: String, event: String, now: Int64) -> [RegistryEvent] {
        change(tab: tab) { entry in
            var events = entry.events ?? []
            events.append(TrackedEvent(name: event, at: now))
            if events.count > Entry.maxEvents { events.removeFirst(events.count - Entry.maxEvents) }
            entry.events = events
        }
    }

    /// The browser of a tab became known after its hello (the tracker just created its
    /// id): its visits, and whether it is returning (never, for a browser new this visit).
    public mutating func recordVisits(tab: String, browser: String? = nil, visits: Int?, now: Int64) -> [RegistryEvent] {
        change(tab: tab) { entry in
            entry.visits = visits
            // The late browser id is also the key a block of this visitor uses.
            if let browser { entry.browser = browser }
        }
    }

    private mutating func change(tab: String, _ body: (inout Entry) -> Void) -> [RegistryEvent] {
        guard let entry = entry(tab: tab) else { return [] }
        var changed = entry
        body(&changed)
        guard changed != entry else { return [] }
        put(changed)
        return [.changed(EntryUpdate(entry: changed, previous: entry))]
    }
}
