/// Decides which trigger invites a tab, from the entry alone: pure, so every node of a
/// cluster given the same state and command time decides the same.
///
/// The registry asks again only when the entry changes or the time ``TriggerVerdict/wait(until:)``
/// gave passes, never every entry every second.
public enum TriggerEvaluator {
    /// The first enabled trigger (in the order given) whose conditions all hold at `now`,
    /// or the earliest time one could fire while the page stays the same.
    /// `patterns` (``TriggerPattern``s of each trigger's **Page URL contains**, in the same
    /// order) saves preparing them on every call; without them they are made here.
    public static func evaluate(_ entry: Entry, triggers: [Trigger], patterns: [TriggerPattern?]? = nil, now: Int64) -> TriggerVerdict {
        evaluate(entry, triggers: triggers, table: patterns.map(TriggerPatternTable.init), now: now)
    }

    /// ``evaluate(_:triggers:patterns:now:)`` with the patterns prepared as the registry keeps them.
    static func evaluate(_ entry: Entry, triggers: [Trigger], table: TriggerPatternTable?, now: Int64) -> TriggerVerdict {
        // Unwrapped once: binding it in the loop copied (retained) its arrays per trigger.
        let table = table ?? TriggerPatternTable([])
        var earliest: Int64?
        var url = PreparedURL()
        // Not optional: unwrapping it copied its 128 bytes for every trigger.
        var pairs = BytePairSet()
        var pairsMade = false
        // By index, not `for trigger in`: a copy of each trigger costs more than ruling
        // most of them out by their URL pairs, which reads numbers only.
        for index in triggers.indices where triggers[index].enabled {
            if table.hasPairs(index) {
                if !pairsMade {
                    pairs = BytePairSet(entry.url)
                    pairsMade = true
                    url.pairs = pairs
                }
                guard table.mayOccur(index, in: pairs) else { continue }
            }
            let pattern = index < table.patterns.count ? table.patterns[index] : nil
            guard holdsAtOnce(triggers[index].conditions, entry: entry, pattern: pattern, url: &url) else { continue }
            let due = triggers[index].conditions.secondsOnPage.map { entry.pageSince + Int64(max(0, $0)) * 1000 } ?? now
            if due <= now { return .fire(triggers[index]) }
            earliest = min(earliest ?? due, due)
        }
        return earliest.map { .wait(until: $0) } ?? .never
    }

    /// Whether the tab's invitations allow an automatic one: none yet this visit, none
    /// pending, none dismissed (a dismissal also sets `autoInvited`, so one dismissed
    /// before a later invitation by hand still counts).
    public static func mayInvite(_ entry: Entry) -> Bool {
        guard entry.autoInvited != true else { return false }
        guard let invitation = entry.invitation else { return true }
        return !invitation.isPending && invitation.state != .dismissed
    }

    /// The entry's URL as the **Page URL contains** tests need it, each part made on first
    /// need and kept for the next trigger: its byte pairs (one pass, no allocation), and
    /// its lower-case bytes only once some needle passed the pairs test.
    struct PreparedURL {
        var pairs: BytePairSet?
        var lowered: [UInt8]?
    }

    /// The conditions that do not depend on time.
    static func holdsAtOnce(_ conditions: TriggerConditions, entry: Entry, pattern: TriggerPattern?, url: inout PreparedURL) -> Bool {
        if let pages = conditions.pagesViewed, (entry.pageCount ?? entry.pages.count) < pages { return false }
        if let returning = conditions.returning, entry.returning != returning { return false }
        if let countries = conditions.countries, !countries.isEmpty {
            guard let code = entry.location?.countryCode, countries.contains(code) else { return false }
        }
        if let wanted = conditions.referrerHost, !wanted.isEmpty {
            guard isHost(host(of: entry.referrer), within: wanted) else { return false }
        }
        if let needle = conditions.urlContains, !needle.isEmpty {
            let pattern = pattern ?? TriggerPattern(needle)
            if url.pairs == nil { url.pairs = BytePairSet(entry.url) }
            guard pattern.mayOccur(in: url.pairs!) else { return false }
            if url.lowered == nil { url.lowered = lowered(entry.url) }
            guard pattern.occurs(in: url.lowered!) else { return false }
        }
        return true
    }

    /// The host of a sanitised URL (`https://www.example.com/x` → `www.example.com`), lower case.
    static func host(of url: String) -> Substring {
        guard let scheme = url.firstRange(of: "://") else { return "" }
        let rest = url[scheme.upperBound...]
        let end = rest.firstIndex(where: { $0 == "/" || $0 == ":" }) ?? rest.endIndex
        return rest[..<end]
    }

    /// Whether `host` is `wanted` or a subdomain of it, ignoring case and a leading dot.
    static func isHost(_ host: Substring, within wanted: String) -> Bool {
        let host = lowered(String(host))
        var domain = lowered(wanted)
        if domain.first == UInt8(ascii: ".") { domain.removeFirst() }
        guard !domain.isEmpty, host.count >= domain.count, host.suffix(domain.count).elementsEqual(domain) else { return false }
        return host.count == domain.count || host[host.count - domain.count - 1] == UInt8(ascii: ".")
    }

    /// ASCII lower case; other bytes as they are (sanitised URLs are ASCII).
    static func lowered(_ text: String) -> [UInt8] {
        text.utf8.map(BytePairSet.lowered)
    }
}
