import Histogram

/// The results of one run, as a table for people and as JSON for scripts (medians over
/// runs, and later a regression guard against committed numbers).
struct LoadReport: Codable, Sendable {
    var plan: LoadPlan

    // Connecting
    var trackersOpened = 0
    var trackersFailed = 0
    var trackersWaiting = 0
    var connectRetries = 0
    var refusals: [String: Int] = [:]
    var connectSeconds = 0.0
    var connectsPerSecond = 0.0
    var connectMillisP50 = 0.0
    var connectMillisP99 = 0.0
    var connectMillisMax = 0.0
    /// Server CPU (user + system) over the connect phase per socket opened: steadier than
    /// the connect rate on a shared machine. Optional: older reports lack it.
    var serverCPUMicrosPerConnect: Double?
    /// The generator's own CPU per socket opened (it shares the machine's cores).
    var generatorCPUMicrosPerConnect: Double?

    // Memory
    var rssBeforeBytes = 0
    var rssAfterBytes = 0
    var rssEndBytes = 0
    var rssPerSocketBytes: Double {
        trackersOpened == 0 ? 0 : Double(rssAfterBytes - rssBeforeBytes) / Double(trackersOpened)
    }

    // Events
    var eventsSent = 0
    var eventSecondsMeasured = 0.0
    var eventsPerSecondAchieved = 0.0
    var pacerMaxLagMillis = 0.0
    var receipts = 0
    var receiptsMissing = 0
    var duplicateReceipts = 0
    var otherFeedMessages = 0
    var latencyMillisP50 = 0.0
    var latencyMillisP90 = 0.0
    var latencyMillisP99 = 0.0
    var latencyMillisP999 = 0.0
    var latencyMillisMax = 0.0

    // CPU
    var serverIdleCPUPercent = 0.0
    var serverCPUPercent = 0.0
    var serverCPUMillisPer1000Events = 0.0
    var generatorCPUPercent = 0.0

    // Holding (all sockets open, heartbeats only)
    var holdSecondsMeasured = 0.0
    var holdHeartbeats = 0
    var holdClosed = 0
    var serverHoldCPUPercent = 0.0
    var rssAfterHoldBytes = 0

    // Health
    var trackersClosedDuringRun = 0
    var trackersClosedByServer = 0
    var dashboardsClosed = 0

    init(plan: LoadPlan) { self.plan = plan }

    mutating func record(_ connect: ConnectTally) {
        trackersOpened = connect.opened.count
        trackersFailed = connect.failed
        trackersWaiting = connect.waiting
        connectRetries = connect.retries
        refusals = Dictionary(uniqueKeysWithValues: connect.refusals.map { ("\($0.key)", $0.value) })
        connectSeconds = Double(connect.elapsedNanos) / 1e9
        connectsPerSecond = connect.connectsPerSecond
        connectMillisP50 = Double(connect.latencyMicros.valueAtPercentile(50)) / 1000
        connectMillisP99 = Double(connect.latencyMicros.valueAtPercentile(99)) / 1000
        connectMillisMax = Double(connect.latencyMicros.max) / 1000
    }

    mutating func record(pace: EventPacer.Result, serverCPUNanos: UInt64, generatorCPUNanos: UInt64) {
        eventsSent = pace.sent
        eventSecondsMeasured = Double(pace.elapsedNanos) / 1e9
        eventsPerSecondAchieved = eventSecondsMeasured == 0 ? 0 : Double(pace.sent) / eventSecondsMeasured
        pacerMaxLagMillis = Double(pace.maxLagMicros) / 1000
        let wall = Double(pace.elapsedNanos)
        serverCPUPercent = wall == 0 ? 0 : Double(serverCPUNanos) / wall * 100
        generatorCPUPercent = wall == 0 ? 0 : Double(generatorCPUNanos) / wall * 100
        serverCPUMillisPer1000Events = pace.sent == 0 ? 0 : Double(serverCPUNanos) / 1e6 / (Double(pace.sent) / 1000)
    }

    mutating func record(_ tally: FeedRecorder.Tally, sent: Int) {
        let histogram = tally.latencyMicros
        receipts = Int(histogram.totalCount)
        receiptsMissing = sent * plan.dashboards - receipts
        duplicateReceipts = tally.duplicates
        otherFeedMessages = tally.otherMessages
        dashboardsClosed = tally.closedDashboards
        latencyMillisP50 = Double(histogram.valueAtPercentile(50)) / 1000
        latencyMillisP90 = Double(histogram.valueAtPercentile(90)) / 1000
        latencyMillisP99 = Double(histogram.valueAtPercentile(99)) / 1000
        latencyMillisP999 = Double(histogram.valueAtPercentile(99.9)) / 1000
        latencyMillisMax = Double(histogram.max) / 1000
    }
}
