/// Who the visitor is (issue 18): identity, attributes and tracked events live on the
/// entry, so they follow the tab across navigations and reloads (the entry does).
/// Commands for tabs without a shown entry (waiting, archived) change nothing.
extension AccountRegistry {
    /// `foyer('identify', …)`: sets id, name, email and whether the hash was valid;
    /// the attributes stay as they are.
    public mutating func identify(tab: String, identity: VisitorProfile, now: Int64) -> [RegistryEvent] {
        change(tab: tab) { profile, _ in
            var changed = profile ?? VisitorProfile()
            changed.id = identity.id
            changed.name = identity.name
            changed.email = identity.email
            changed.verified = identity.verified
            profile = changed
        }
    }

    /// `foyer('set', …)`: sets attributes (known names in place, new ones appended).
    /// Refused whole (no change) if the entry would hold more than
    /// ``ProfileRules/maxAttributes``; the server checked it before, this keeps it true
    /// when two nodes raced.
    public mutating func setAttributes(tab: String, _ attributes: [VisitorAttribute], now: Int64) -> [RegistryEvent] {
        change(tab: tab) { profile, _ in
            let merged = (profile ?? VisitorProfile()).setting(attributes)
            guard merged.attributes.count <= ProfileRules.maxAttributes else { return }
            profile = merged
        }
    }

    /// `foyer('track', name)`: appends the event, keeping the last ``Entry/maxEvents``.
    public mutating func track(tab: String, event: String, now: Int64) -> [RegistryEvent] {
        change(tab: tab) { _, tracked in
            var events = tracked ?? []
            events.append(TrackedEvent(name: event, at: now))
            if events.count > Entry.maxEvents { events.removeFirst(events.count - Entry.maxEvents) }
            tracked = events
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

    /// Changes the profile and tracked events of the tab's entry or, for a tab waiting
    /// in line, the ones its entry will start with.
    private mutating func change(tab: String, _ body: (inout VisitorProfile?, inout [TrackedEvent]?) -> Void) -> [RegistryEvent] {
        if entry(tab: tab) == nil, let index = waiting.firstIndex(where: { $0.hello.tab == tab }) {
            var profile = waiting[index].profile, events = waiting[index].events
            body(&profile, &events)
            waiting[index].profile = profile
            waiting[index].events = events
            return []
        }
        return change(tab: tab) { (entry: inout Entry) in
            var profile = entry.profile, events = entry.events
            body(&profile, &events)
            entry.profile = profile
            entry.events = events
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
