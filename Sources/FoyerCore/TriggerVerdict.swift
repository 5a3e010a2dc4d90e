/// What ``TriggerEvaluator`` decided for one tab.
public enum TriggerVerdict: Sendable, Hashable {
    /// This trigger fires now (the first in order whose conditions all hold).
    case fire(Trigger)
    /// Nothing fires now; the earliest time one could (a **Seconds on page** wait),
    /// unless the page or the tab's state changes first.
    case wait(until: Int64)
    /// Nothing can fire until the page or the tab's state changes.
    case never
}
