import Foundation
import Synchronization
import HTTPTypes
import HummingbirdWSClient
import Logging
import NIOCore
import NIOWebSocket

/// A real WebSocket client for tests: send text or raw frames, await messages and the
/// server's close frame.
final class TestSocket: Sendable {
    enum Outgoing: Sendable {
        case text(String)
        case frame(WebSocketFrame)
        case close
    }

    private let outgoing: AsyncStream<Outgoing>.Continuation
    private let inbox = Inbox()
    private let task: Task<WebSocketCloseFrame?, any Error>

    init(url: String, headers: HTTPFields = [:]) {
        let (outStream, outContinuation) = AsyncStream.makeStream(of: Outgoing.self)
        outgoing = outContinuation
        let inbox = self.inbox
        task = Task {
            defer { inbox.finish() }
            return try await WebSocketClient.connect(
                url: url, configuration: .init(maxFrameSize: 1 << 20, additionalHeaders: headers), logger: Logger(label: "test")
            ) { inbound, outbound, _ in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        for await item in outStream {
                            switch item {
                            case .text(let text): try await outbound.write(.text(text))
                            case .frame(let frame): try await outbound.write(.custom(frame))
                            case .close: try await outbound.close(.normalClosure, reason: nil)
                            }
                        }
                    }
                    for try await message in inbound.messages(maxSize: 1 << 22) {
                        if case .text(let text) = message { inbox.push(text) }
                    }
                    group.cancelAll()
                }
            }
        }
    }

    func send(_ text: String) { outgoing.yield(.text(text)) }

    func send(json: [String: String]) {
        let data = try! JSONSerialization.data(withJSONObject: json)
        send(String(decoding: data, as: UTF8.self))
    }

    func sendFrame(_ frame: WebSocketFrame) { outgoing.yield(.frame(frame)) }

    func close() { outgoing.yield(.close) }

    /// The next text message, or nil when the socket closed.
    func next(timeout: Duration = .seconds(5)) async throws -> String? {
        try await inbox.next(timeout: timeout)
    }

    /// The next message decoded as a JSON object.
    func nextJSON(timeout: Duration = .seconds(5)) async throws -> [String: Any]? {
        guard let text = try await next(timeout: timeout) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// The next JSON message that `matches`, skipping others; bounded in count (each
    /// read is bounded in time).
    func nextJSON(matching matches: ([String: Any]) -> Bool) async throws -> [String: Any] {
        for _ in 0..<30 {
            if let message = try await nextJSON(), matches(message) { return message }
        }
        throw TestTimeout()
    }

    /// Waits for the server to close the socket; returns its close code and reason.
    func closed(timeout: Duration = .seconds(5)) async throws -> (code: Int, reason: String) {
        let task = self.task
        let frame = try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
            group.addTask { try await task.value }
            group.addTask { [self] in
                try await Task.sleep(for: timeout)
                // The group waits for every child: end the client too, or a socket the
                // server never closes would hold the test forever.
                close()
                task.cancel()
                throw TestTimeout()
            }
            let value = try await group.next()!
            group.cancelAll()
            return value
        }
        guard let frame else { return (0, "") }
        var buffer = ByteBuffer()
        buffer.write(webSocketErrorCode: frame.closeCode)
        return (Int(buffer.readInteger(as: UInt16.self) ?? 0), frame.reason ?? "")
    }
}

struct TestTimeout: Error {}

/// Messages received so far, handed out one at a time with a timeout.
final class Inbox: Sendable {
    private enum Delivery { case message(String?), timedOut }

    private struct State {
        var messages: [String] = []
        var finished = false
        var waiter: (id: Int, continuation: CheckedContinuation<Delivery, Never>)?
        var nextID = 0
    }

    private let state = Mutex(State())

    func push(_ message: String) {
        let waiter = state.withLock { state -> CheckedContinuation<Delivery, Never>? in
            guard let waiter = state.waiter else {
                state.messages.append(message)
                return nil
            }
            state.waiter = nil
            return waiter.continuation
        }
        waiter?.resume(returning: .message(message))
    }

    func finish() {
        let waiter = state.withLock { state -> CheckedContinuation<Delivery, Never>? in
            state.finished = true
            defer { state.waiter = nil }
            return state.waiter?.continuation
        }
        waiter?.resume(returning: .message(nil))
    }

    func next(timeout: Duration) async throws -> String? {
        let delivery = await withCheckedContinuation { (continuation: CheckedContinuation<Delivery, Never>) in
            let id: Int? = state.withLock { state in
                if !state.messages.isEmpty {
                    continuation.resume(returning: .message(state.messages.removeFirst()))
                    return nil
                }
                if state.finished {
                    continuation.resume(returning: .message(nil))
                    return nil
                }
                state.nextID += 1
                state.waiter = (state.nextID, continuation)
                return state.nextID
            }
            guard let id else { return }
            Task {
                try? await Task.sleep(for: timeout)
                let expired = self.state.withLock { state -> CheckedContinuation<Delivery, Never>? in
                    guard let waiter = state.waiter, waiter.id == id else { return nil }
                    state.waiter = nil
                    return waiter.continuation
                }
                expired?.resume(returning: .timedOut)
            }
        }
        switch delivery {
        case .message(let message): return message
        case .timedOut: throw TestTimeout()
        }
    }
}
