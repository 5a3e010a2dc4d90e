import Histogram
import NIOCore
import NIOPosix
import Synchronization

/// Opens tracker sockets on the generator's event loops with at most `concurrency`
/// attempts in flight, retrying refusals and errors a few times.
///
/// Driven by the sockets' own callbacks, without a task per socket: each finished attempt
/// starts the next one on the spot.
final class TrackerOpener: Sendable {
    private let plan: LoadPlan
    private let loops: [any EventLoop]
    /// One per loop, alike indexed.
    private let rings: [HeartbeatRing]
    private let server: SocketAddress
    private let script: TrackerHandler.Script
    private let runID: String
    private let counters: TrackerCounters
    private let source: @Sendable (Int) throws -> SocketAddress
    private let state: Mutex<State>

    private struct State {
        var next: Int
        var end: Int
        let total: Int
        var finished = 0
        var tally = ConnectTally()
        var started: UInt64 = 0
        var done: CheckedContinuation<ConnectTally, Never>?
    }

    /// What one tab's attempts ran into so far (reported only if all of them fail).
    private struct Trouble: Sendable {
        var refusals: [UInt] = []
        var errors: [String] = []
    }

    init(
        plan: LoadPlan, loops: [any EventLoop], rings: [HeartbeatRing], server: SocketAddress, script: TrackerHandler.Script, runID: String,
        counters: TrackerCounters, indices: Range<Int>, source: @escaping @Sendable (Int) throws -> SocketAddress
    ) {
        self.plan = plan
        self.loops = loops
        self.rings = rings
        self.server = server
        self.script = script
        self.runID = runID
        self.counters = counters
        self.source = source
        var state = State(next: indices.lowerBound, end: indices.upperBound, total: indices.count)
        state.tally.opened.reserveCapacity(indices.count)
        self.state = Mutex(state)
    }

    /// Opens every socket of the range; returns once each has opened or failed.
    func open() async -> ConnectTally {
        await withCheckedContinuation { continuation in
            let first: [Int] = state.withLock { state in
                state.done = continuation
                state.started = Monotonic.nanoseconds()
                let count = min(plan.connectConcurrency, state.end - state.next)
                defer { state.next += count }
                return Array(state.next..<(state.next + count))
            }
            if first.isEmpty {
                state.withLock { $0.done = nil }
                continuation.resume(returning: ConnectTally())
                return
            }
            for index in first { attempt(index, number: 0, trouble: Trouble()) }
        }
    }

    /// The `api` frames of a tab that identifies and sets `attributes` attributes, with
    /// values as varied as a shop's (strings, numbers, booleans).
    static func identity(runID: String, index: Int, attributes: Int) -> [String] {
        let person = "b\(runID)u\(index)"
        var frames = [#"{"t":"api","c":"identify","a":{"id":"\#(person)","name":"Customer \#(index)","email":"\#(person)@shop.example"}}"#]
        guard attributes > 0 else { return frames }
        let values = (0..<attributes).map { number in
            switch number % 3 {
            case 0: #""attribute\#(number)":"value \#(index)-\#(number)""#
            case 1: #""attribute\#(number)":\#(index + number)"#
            default: #""attribute\#(number)":\#(number % 2 == 0)"#
            }
        }
        frames.append(#"{"t":"api","c":"set","a":{"# + values.joined(separator: ",") + "}}")
        return frames
    }

    private func attempt(_ index: Int, number: Int, trouble: Trouble) {
        let loop = loops[index % loops.count]
        let started = Monotonic.nanoseconds()
        let hello =
            #"{"t":"hello","tab":"b\#(runID)t\#(index)","vid":"b\#(runID)v\#(index)","url":"\#(PageMarker.origin)/t/\#(index)","#
            + #""title":"Bench tab \#(index)","ref":"","lang":"en-US","tz":"Europe/Istanbul"}"#
        let from: SocketAddress
        do {
            from = try source(index)
        } catch {
            conclude(index, number: number, trouble: trouble, failure: .failed("\(error)"))
            return
        }
        let ring = rings[index % rings.count]
        let handler = TrackerHandler(script: script, hello: hello, ring: ring, counters: counters) { [self] outcome, handler in
            switch outcome {
            case .greeted(let greeting):
                guard let channel = handler.channel else { return }
                if let attributes = plan.identifyAttributes, greeting != .off {
                    handler.sendCommands(Self.identity(runID: runID, index: index, attributes: attributes))
                }
                let socket = TrackerSocket(channel: channel, handler: NIOLoopBound(handler, eventLoop: loop))
                opened(socket, greeting: greeting, micros: (Monotonic.nanoseconds() - started) / 1000, retries: number)
            case .refused, .failed:
                conclude(index, number: number, trouble: trouble, failure: outcome)
            }
        }
        ClientBootstrap(group: loop)
            .connectTimeout(.milliseconds(Int64(plan.connectTimeoutSeconds * 1000)))
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(to: from)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(handler) }
            }
            .connect(to: server)
            .whenFailure { [self] error in
                conclude(index, number: number, trouble: trouble, failure: .failed("\(error)"))
            }
    }

    /// A failed attempt: tries again after a pause, or gives the tab up.
    private func conclude(_ index: Int, number: Int, trouble: Trouble, failure: TrackerHandler.Outcome) {
        var trouble = trouble
        switch failure {
        case .refused(let status): trouble.refusals.append(status)
        case .failed(let error): trouble.errors.append(error)
        case .greeted: break
        }
        if number < plan.connectRetries {
            // A refused address's connect bucket refills at 50/s.
            let pause: TimeAmount = trouble.refusals.isEmpty ? .milliseconds(500) : .seconds(1)
            loops[index % loops.count].scheduleTask(in: pause) { [self] in attempt(index, number: number + 1, trouble: trouble) }
            return
        }
        let next = state.withLock { state -> Int? in
            state.tally.failed += 1
            state.tally.retries += plan.connectRetries
            for status in trouble.refusals { state.tally.refusals[status, default: 0] += 1 }
            for error in trouble.errors { state.tally.errors[error, default: 0] += 1 }
            return advance(&state)
        }
        if let next { attempt(next, number: 0, trouble: Trouble()) }
    }

    private func opened(_ socket: TrackerSocket, greeting: TrackerHandler.Greeting, micros: UInt64, retries: Int) {
        let next = state.withLock { state -> Int? in
            state.tally.opened.append(socket)
            state.tally.retries += retries
            if greeting != .ok { state.tally.waiting += 1 }
            _ = state.tally.latencyMicros.record(micros)
            return advance(&state)
        }
        if let next { attempt(next, number: 0, trouble: Trouble()) }
    }

    /// Counts a tab as finished; the next index to open, if any. Resumes the waiting
    /// caller after the last one.
    private func advance(_ state: inout State) -> Int? {
        state.finished += 1
        if state.next < state.end {
            defer { state.next += 1 }
            return state.next
        }
        if state.finished == state.total, let done = state.done {
            state.tally.elapsedNanos = Monotonic.nanoseconds() - state.started
            state.done = nil
            done.resume(returning: state.tally)
        }
        return nil
    }
}
