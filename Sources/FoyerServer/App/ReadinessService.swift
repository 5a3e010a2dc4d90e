import ServiceLifecycle

/// Turns `/readyz` off as soon as graceful shutdown begins.
struct ReadinessService: Service {
    let flag: ReadinessFlag

    func run() async throws {
        try? await gracefulShutdown()
        flag.set(false)
    }
}
