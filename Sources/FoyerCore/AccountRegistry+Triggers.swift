/// Automatic invitations: the registry evaluates its triggers itself, from its own state
/// and the commands' times, so every node of a cluster fires the same trigger for the
/// same tab at the same point of the log.
///
/// An entry is evaluated when it is added or changes (hello, navigation, a status or an
/// invitation change) and when the time its ``TriggerVerdict/wait(until:)`` gave passes,
/// never every entry every tick.
extension AccountRegistry {
    /// Every trigger of the account, in order.
    public var accountTriggers: [Trigger] { triggers ?? [] }

    /// Whether a Visitors or Chats page of the account is open on some node.
    public var isWatched: Bool { !(watchingNodes ?? []).isEmpty }

    /// When the entry is next evaluated (a **Seconds on page** wait), or nil when it waits
    /// for a change; for tests and inspection.
    public func triggerCheck(entryID: String) -> Int64? { triggerDue?[entryID] }

    /// Replaces the triggers (sorted by position); every entry is evaluated at the next tick.
    public mutating func setTriggers(_ rules: [Trigger]) {
        let sorted = rules.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element)
        triggers = sorted.isEmpty ? nil : sorted
        triggerPatterns = sorted.isEmpty ? nil : TriggerPatternTable(sorted.map { $0.conditions.urlContains.map(TriggerPattern.init) })
        reconsiderAll()
    }

    /// A node's first dashboard of the account opened, or its last closed. When the first
    /// one anywhere opens, every entry is evaluated at the next tick.
    public mutating func dashboards(node: Int64, open: Bool) {
        let wasWatched = isWatched
        var nodes = watchingNodes ?? []
        if open { nodes.insert(node) } else { nodes.remove(node) }
        watchingNodes = nodes.isEmpty ? nil : nodes
        if !wasWatched && isWatched { reconsiderAll() }
    }

    /// Nodes that died: their dashboards are gone too.
    public mutating func forgetDashboards(of nodes: Set<Int64>) {
        guard let watching = watchingNodes else { return }
        let left = watching.subtracting(nodes)
        watchingNodes = left.isEmpty ? nil : left
    }

    /// Evaluates the entries `events` added or changed, those named in `touched` (a tab
    /// that resumed unchanged), and those whose time came; returns the events of the
    /// invitations that fired. Call it after every timed operation, with its time.
    public mutating func runTriggers(after events: [RegistryEvent], touched: [String] = [], now: Int64) -> [RegistryEvent] {
        guard triggers != nil || triggerDue != nil else { return [] }
        var candidates: [String] = touched
        for event in events {
            switch event {
            case .added(let entry): candidates.append(entry.id)
            case .changed(let update): candidates.append(update.entry.id)
            case .removed(let id, _): triggerDue?[id] = nil
            case .counters, .tracking: break
            }
        }
        if let due = triggerDue {
            // Sorted so the order of invitations is the same on every node.
            candidates += due.filter { $0.value <= now }.keys.sorted()
        }
        var fired: [RegistryEvent] = []
        var seen: Set<String> = []
        // One candidate (a navigation) needs no set of those seen, nor its hashing.
        for id in candidates where candidates.count == 1 || seen.insert(id).inserted {
            fired += reconsider(entryID: id, now: now)
        }
        if triggerDue?.isEmpty == true { triggerDue = nil }
        return fired
    }

    /// Evaluates one entry now: fires, schedules the next look, or forgets it until it changes.
    private mutating func reconsider(entryID: String, now: Int64) -> [RegistryEvent] {
        triggerDue?[entryID] = nil
        guard let rules = triggers, let entry = entry(id: entryID), !isQuiet(entry) else { return [] }
        if entry.status != .offline && !isConnected(entryID: entryID) {
            // In its disconnect grace: a resume may change nothing, so look again in a second.
            schedule(entryID, at: now + 1000)
            return []
        }
        switch TriggerEvaluator.evaluate(entry, triggers: rules, table: triggerPatterns, now: now) {
        case .fire(let trigger): return fire(trigger, for: entry, now: now)
        case .wait(let until): schedule(entryID, at: until)
        case .never: break
        }
        return []
    }

    /// The rules before any condition: no automatic invitation nobody could answer, or
    /// that would interrupt.
    private func isQuiet(_ entry: Entry) -> Bool {
        !isWatched || entry.status != .online || entry.chatID != nil || !TriggerEvaluator.mayInvite(entry)
    }

    private mutating func schedule(_ entryID: String, at time: Int64) {
        if triggerDue == nil { triggerDue = [:] }
        triggerDue![entryID] = time
    }

    private mutating func reconsiderAll() {
        let ids = shownEntries.map(\.id)
        guard !ids.isEmpty, triggers != nil else { return }
        if triggerDue == nil { triggerDue = [:] }
        for id in ids { triggerDue![id] = Int64.min }
    }

    /// Invites the entry with the trigger's message, signed "Team" (the account's team, not
    /// a person: nobody in particular sent it). Its id follows from the entry's, so every
    /// node makes the same one.
    private mutating func fire(_ trigger: Trigger, for entry: Entry, now: Int64) -> [RegistryEvent] {
        let invitation = Invitation(
            id: "it_" + entry.id, message: trigger.message, agent: Self.triggerAgentName, trigger: trigger.id, sentAt: now)
        return (try? invite(entryID: entry.id, invitation: invitation, now: now).get()) ?? []
    }

    /// The name an automatic invitation is signed with.
    public static let triggerAgentName = "Team"
}
