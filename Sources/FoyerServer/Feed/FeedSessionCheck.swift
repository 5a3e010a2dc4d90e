import FoyerStore
import NIOCore

/// Re-checks a dashboard feed's session every `interval` and closes the feed with 4401
/// once the session is gone: expired, deleted from the store, or its user removed.
///
/// Signing out and removal from the team close feeds at once; this catches the rest
/// (a session swept or deleted by another node or by hand), which otherwise kept
/// streaming an account's visitors to a page whose API calls already answered 401.
/// A store error keeps the feed (the next check asks again). Used on the feed's event loop.
final class FeedSessionCheck: @unchecked Sendable {
    private let authenticator: SessionAuthenticator
    private let interval: TimeAmount
    private var task: RepeatedTask?

    init(authenticator: SessionAuthenticator, interval: TimeAmount) {
        self.authenticator = authenticator
        self.interval = interval
    }

    func start(on channel: any Channel, sessionHash: String) {
        let authenticator = self.authenticator
        let loop = channel.eventLoop
        task = loop.scheduleRepeatedAsyncTask(initialDelay: interval, delay: interval) { [weak channel] task in
            guard let channel, channel.isActive else {
                task.cancel()
                return loop.makeSucceededVoidFuture()
            }
            let promise = loop.makePromise(of: Void.self)
            promise.completeWithTask {
                let user: User?
                do { user = try await authenticator.user(sessionHash: sessionHash) } catch { return }
                guard user == nil else { return }
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
