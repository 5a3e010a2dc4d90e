import Synchronization

/// Whether the server accepts traffic (`/readyz`): false until started and once
/// shutting down, so a load balancer drains it first.
final class ReadinessFlag: Sendable {
    private let value = Atomic<Bool>(false)

    var isReady: Bool { value.load(ordering: .relaxed) }

    func set(_ ready: Bool) { value.store(ready, ordering: .relaxed) }
}
