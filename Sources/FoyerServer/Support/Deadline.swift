import FoyerStore

/// Runs `operation`, failing with a timeout after `limit` (the operation is cancelled):
/// a query stuck on a connection the database dropped must not stall the cluster's loops.
func withDeadline<T: Sendable>(_ limit: Duration, _ operation: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: limit)
            throw StoreError.unavailable("no answer from the database within \(limit)")
        }
        defer { group.cancelAll() }
        guard let first = try await group.next() else { throw CancellationError() }
        return first
    }
}
