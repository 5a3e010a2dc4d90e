import FoyerCore
import FoyerStore
import Logging
import ServiceLifecycle

/// Drives time-based rules once a second (disconnect grace, 30-minute retention,
/// waiting line) and prunes rate-limit and session tables now and then.
struct HubTicker: Service {
    let hub: LiveHub
    let store: any Store
    let limiter: AddressLimiter
    let sessionIdleMillis: Int64
    let interval: Duration

    func run() async throws {
        var ticks = 0
        for await _ in AsyncTimerSequence(interval: interval).cancelOnGracefulShutdown() {
            hub.tick() // a no-op on a cluster node: each account's owner sends its ticks through the log
            ticks += 1
            if ticks % 60 == 0 {
                limiter.prune()
                try? await store.deleteSessions(idleSince: hub.clock.nowMillis() - sessionIdleMillis)
            }
        }
        // Last words: tell every socket the server is going, so trackers reconnect elsewhere.
        hub.closeAll()
        await hub.writer.flush()
    }
}
