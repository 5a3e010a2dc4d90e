import NIOCore

/// Re-checks a dashboard feed's session every `interval` and closes the feed with 4401
/// once the session is gone: expired, deleted from the store, or its user removed.
///
/// Signing out and removal from the team close feeds at once; this catches the rest
/// (a session swept or deleted by another node or by hand), which otherwise kept
/// streaming an account's visitors to a page whose API calls already answered 401.
/// A store error keeps the feed (the next check asks again). Used on the feed's event loop.
final class FeedSessionCheck: @unchecked Sendable {
    /// Whether the session with this token hash is still valid (and marks it used).
    private let isValid: @Sendable (String) async throws -> Bool
    private let interval: TimeAmount
    private var task: RepeatedTask?

    init(interval: TimeAmount, isValid: @escaping @Sendable (String) async throws -> Bool) {
        self.isValid = isValid
        self.interval = interval
    }

    func start(on channel: any Channel, sessionHash: String) {
        let isValid = self.isValid
        let loop = channel.eventLoop
        task = loop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { [weak channel] task in
            guard let channel, channel.isActive else {
                task.cancel()
                return loop.makeSucceededVoidFuture()
            }
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask {
                let valid: Bool
                do { valid = try await isValid(sessionHash) } catch { return }
                guard !valid else { return }
                channel.pipeline.fireUserInboundEventTriggered(CloseRequest(code: 4401, reason: "session expired", lastMessage: nil))
            }
            return promise.futureResult
        }
    }

    func stop() {
        task?.cancel()
        task = nil
    }
}
