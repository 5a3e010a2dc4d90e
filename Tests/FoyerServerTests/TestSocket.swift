import Foundation
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
    private let incoming: AsyncStream<String>
    private let task: Task<WebSocketCloseFrame?, any Error>

    init(url: String, headers: HTTPFields = [:]) {
        let (outStream, outContinuation) = AsyncStream.makeStream(of: Outgoing.self)
        let (inStream, inContinuation) = AsyncStream.makeStream(of: String.self)
        outgoing = outContinuation
        incoming = inStream
        task = Task {
            defer { inContinuation.finish() }
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
                        if case .text(let text) = message { inContinuation.yield(text) }
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
        let stream = incoming
        return try await withThrowingTaskGroup(of: String?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                throw TestTimeout()
            }
            let value = try await group.next()!
            group.cancelAll()
            return value
        }
    }

    /// The next message decoded as a JSON object.
    func nextJSON(timeout: Duration = .seconds(5)) async throws -> [String: Any]? {
        guard let text = try await next(timeout: timeout) else { return nil }
        return try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
    }

    /// Waits for the server to close the socket; returns its close code and reason.
    func closed(timeout: Duration = .seconds(5)) async throws -> (code: Int, reason: String) {
        let task = self.task
        let frame = try await withThrowingTaskGroup(of: WebSocketCloseFrame?.self) { group in
            group.addTask { try await task.value }
            group.addTask {
                try await Task.sleep(for: timeout)
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
