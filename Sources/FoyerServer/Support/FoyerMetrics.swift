public import Prometheus

/// The Prometheus metrics one server exposes on `/metrics`.
///
/// Each server owns its registry (no global bootstrap), so several servers in one test
/// process never mix their numbers.
public final class FoyerMetrics: Sendable {
    public let registry = PrometheusCollectorRegistry()
    let trackerSockets: Prometheus.Gauge
    let feedSockets: Prometheus.Gauge
    let waitingTabs: Prometheus.Gauge
    let entriesOnline: Prometheus.Gauge
    let entriesChatting: Prometheus.Gauge
    let entriesIdle: Prometheus.Gauge
    let entriesOffline: Prometheus.Gauge
    let trackerEvents: Prometheus.Counter
    let rejectedConnections: Prometheus.Counter
    let feedLatency: Prometheus.DurationHistogram
    let feedOverflows: Prometheus.Counter
    /// Tracker frames of the script API, browser ids, activity and invitations
    /// (`foyer_tracker_frames_total{type}`).
    let trackerAPI: Prometheus.Counter
    let trackerBrowserIDs: Prometheus.Counter
    let trackerActivity: Prometheus.Counter
    let trackerInvitations: Prometheus.Counter
    // A node of a cluster only.
    let clusterAppend: Prometheus.DurationHistogram
    let clusterBatchesApplied: Prometheus.Counter
    let clusterPosition: Prometheus.Gauge
    let clusterLeader: Prometheus.Gauge
    let clusterOwnedAccounts: Prometheus.Gauge
    let clusterNode: Prometheus.Gauge
    let clusterSnapshotSeconds: Prometheus.Gauge
    let clusterSnapshotBytes: Prometheus.Gauge

    public init() {
        trackerSockets = registry.makeGauge(name: "foyer_tracker_sockets", help: "Connected tracker sockets (browser tabs)")
        feedSockets = registry.makeGauge(name: "foyer_feed_sockets", help: "Connected dashboard feeds")
        waitingTabs = registry.makeGauge(name: "foyer_waiting_tabs", help: "Tabs waiting over an account's entry limit")
        entriesOnline = registry.makeGauge(name: "foyer_entries", labels: [("status", "online")], help: "Entries shown, by status")
        entriesChatting = registry.makeGauge(name: "foyer_entries", labels: [("status", "chatting")], help: "Entries shown, by status")
        entriesIdle = registry.makeGauge(name: "foyer_entries", labels: [("status", "idle")], help: "Entries shown, by status")
        entriesOffline = registry.makeGauge(name: "foyer_entries", labels: [("status", "offline")], help: "Entries shown, by status")
        trackerEvents = registry.makeCounter(name: "foyer_tracker_events_total", help: "Tracker messages applied (rate = events/s)")
        rejectedConnections = registry.makeCounter(name: "foyer_rejected_connections_total", help: "Tracker connections refused before upgrade")
        feedOverflows = registry.makeCounter(
            name: "foyer_feed_overflows_total", help: "Dashboard feeds closed with 4008 because they fell too far behind")
        let frames = (name: "foyer_tracker_frames_total", help: "Tracker frames by type: script API, browser id, activity, invitation")
        trackerAPI = registry.makeCounter(name: frames.name, labels: [("type", "api")], help: frames.help)
        trackerBrowserIDs = registry.makeCounter(name: frames.name, labels: [("type", "vid")], help: frames.help)
        trackerActivity = registry.makeCounter(name: frames.name, labels: [("type", "activity")], help: frames.help)
        trackerInvitations = registry.makeCounter(name: frames.name, labels: [("type", "invitation")], help: frames.help)
        feedLatency = registry.makeDurationHistogram(
            name: "foyer_feed_latency_seconds",
            buckets: [.microseconds(250), .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(500)],
            help: "Time from a tracker event arriving to its feed message being written to a dashboard")
        clusterAppend = registry.makeDurationHistogram(
            name: "foyer_cluster_append_seconds",
            buckets: [.milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25), .milliseconds(100), .milliseconds(500), .seconds(2)],
            help: "Time to append one batch of this node's commands to the cluster's live log")
        clusterBatchesApplied = registry.makeCounter(
            name: "foyer_cluster_batches_applied_total", help: "Live log batches (of every node) this node applied")
        clusterPosition = registry.makeGauge(
            name: "foyer_cluster_position", help: "Live log position this node's state reflects (compare nodes to see one lag)")
        clusterLeader = registry.makeGauge(name: "foyer_cluster_leader", help: "Whether this node leads the cluster (1 or 0)")
        clusterOwnedAccounts = registry.makeGauge(
            name: "foyer_cluster_owned_accounts", help: "Accounts whose lease this node holds (it runs their once-a-second work)")
        clusterNode = registry.makeGauge(name: "foyer_cluster_node", help: "This node's id in the cluster (as in logs and account leases)")
        clusterSnapshotSeconds = registry.makeGauge(
            name: "foyer_cluster_snapshot_seconds", help: "Time this node took to encode and store its last round of account snapshots")
        clusterSnapshotBytes = registry.makeGauge(name: "foyer_cluster_snapshot_bytes", help: "Bytes of this node's last round of account snapshots")
    }

    /// The exposition text.
    public func render() -> String { registry.emitToString() }
}
