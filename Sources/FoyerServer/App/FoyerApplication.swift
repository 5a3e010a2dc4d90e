public import FoyerCore
public import FoyerStore
public import Hummingbird
import FoyerGeo
import HummingbirdCore
public import ServiceLifecycle
public import Logging
import NIOCore

/// Builds the Foyer server: store, live state, routes, sockets and services.
public enum FoyerApplication {
    /// Builds an application ready to run.
    ///
    /// - Parameters:
    ///   - onRunning: called with the bound port once the server listens (port 0 picks one).
    public static func build(
        configuration: FoyerConfiguration,
        store: any Store,
        locator: (any VisitorLocator)? = nil,
        clock: any WallClock = SystemClock(),
        extraServices: [any Service] = [],
        inspector: LiveInspector? = nil,
        logger: Logger,
        onRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        var services: [any Service] = []
        let locator = try locator ?? {
            let geo = try GeoLocator(configuration: configuration, logger: logger)
            if let watcher = geo.resolver.watcher { services.append(watcher) }
            if let downloader = geo.downloader { services.append(downloader) }
            return geo
        }()
        try await store.migrate()
        let salt = try await store.secret(named: "browser-salt") { Identifier.make(length: 43) }
        let metrics = FoyerMetrics()
        let writer = EntryWriter(store: store, logger: logger)
        let rules = RegistryConfiguration(
            entryLimit: configuration.entryLimit, disconnectGraceMillis: configuration.disconnectGraceSeconds * 1000,
            addressSharePercent: configuration.addressSharePercent,
            invitationExpiryMillis: configuration.invitationExpirySeconds * 1000)
        // A store several nodes can share makes this server a node of a cluster, whose
        // live state lives in the shared log instead of entry rows.
        let directory = AccountDirectory(store: store)
        let environment = LiveEnvironment(
            clock: clock, metrics: metrics, writer: store.liveLog == nil ? writer : nil, connections: ConnectionIDs(),
            hasher: IdentityHasher(salt: salt), configuration: rules,
            idleAfterMillis: configuration.idleAfterSeconds * 1000, triggerCounter: TriggerCounter(store: store, logger: logger),
            directory: directory)
        let state = LiveState(environment: environment)
        let cluster = store.liveLog.map { ClusterBus(log: $0, state: state, store: store, configuration: configuration.cluster, logger: logger) }
        let sink: any LiveCommandSink = cluster ?? LocalCommandSink(state: state, store: store)
        let hub = LiveHub(state: state, sink: sink, store: store, writer: writer, directory: directory)
        // Changes made while the store refused writes may be lost if the process dies
        // before it recovers: once it does, every tab greets again, so the rows hold what
        // the tabs show now.
        writer.onRecovered { state.askTrackersToGreet() }
        inspector?.attach(hub)
        try await hub.start()
        let authenticator = SessionAuthenticator(
            store: store, clock: clock, idleSeconds: configuration.sessionIdleSeconds, bcryptCost: configuration.bcryptCost)
        try await authenticator.learnStoredHashCosts()
        let limiter = AddressLimiter(
            maxOpen: configuration.maxSocketsPerAddress, rate: configuration.connectsPerSecondPerAddress,
            burst: configuration.connectBurstPerAddress)
        let addresses = try ClientAddressResolver(trustedProxies: configuration.trustedProxies)
        let pending = PendingConnections(
            maxPerAddress: configuration.maxPendingPerAddress,
            timeout: .nanoseconds(Int64(configuration.requestTimeoutSeconds * 1e9)), trustedProxies: addresses)
        let chats = ChatService(store: store, live: hub)
        let gate = SocketGate(
            hub: hub, store: store, chats: chats, authenticator: authenticator, locator: locator, limiter: limiter, configuration: configuration, logger: logger)
        let ready = ReadinessFlag()

        let router = Router(context: FoyerRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: CSRFMiddleware())
        let files = StaticFiles()
        SiteController(files: files, authenticator: authenticator, metrics: metrics, store: store, ready: ready, metricsToken: configuration.metricsToken).add(to: router)
        AuthController(authenticator: authenticator, store: store, live: hub, secureCookies: configuration.secureCookies, addresses: addresses).add(to: router)
        SettingsController(authenticator: authenticator, store: store, live: hub, publicURL: configuration.publicURL).add(to: router)
        TeamController(authenticator: authenticator, store: store, clock: clock, live: hub).add(to: router)
        TriggersController(authenticator: authenticator, store: store, live: hub).add(to: router)
        NoticesController(authenticator: authenticator, store: store).add(to: router)
        DisplayNameController(authenticator: authenticator, store: store).add(to: router)
        BlockingController(authenticator: authenticator, store: store, live: hub, clock: clock).add(to: router)
        ChatController(authenticator: authenticator, chats: chats).add(to: router)
        InvitationController(authenticator: authenticator, live: hub, store: store, clock: clock).add(to: router)
        SetupController(authenticator: authenticator, store: store, clock: clock).add(to: router)
        LocationsController(attribution: configuration.geoDownloadURL == nil ? nil : .init(
            text: GeoDownloadConfiguration.attributionText, url: GeoDownloadConfiguration.attributionURL)).add(to: router)

        let ticker = HubTicker(
            hub: hub, store: store, limiter: limiter, sessionIdleMillis: configuration.sessionIdleSeconds * 1000, interval: .seconds(1))
        return Application(
            router: router,
            server: HTTPServerBuilder { responder in
                FoyerChannel(responder: responder, gate: gate, pending: pending, idleTimeout: .seconds(120))
            },
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: "Foyer"),
            // Stopped in reverse order: the cluster link last, after the sockets closed.
            services: (cluster.map { [$0] } ?? []) + [writer, ticker, ReadinessService(flag: ready)] + services + extraServices,
            onServerRunning: { channel in
                ready.set(true)
                await onRunning(channel.localAddress?.port ?? configuration.port)
            },
            logger: logger
        )
    }

    /// A one-time link that lets a newcomer create the first owner of an account.
    public static func setupLink(store: any Store, account: Account, baseURL: String, clock: any WallClock = SystemClock()) async throws -> String {
        try await SetupController.makeLink(store: store, accountID: account.id, baseURL: baseURL, now: clock.nowMillis())
    }

    /// Makes sure there is at least one account; returns the accounts.
    public static func ensureDefaultAccount(store: any Store, clock: any WallClock = SystemClock()) async throws -> (accounts: [Account], created: Bool) {
        try await store.migrate()
        let existing = try await store.accounts()
        if !existing.isEmpty { return (existing, false) }
        let account = try await store.createAccount(name: "default", siteKey: SiteKey.make(), now: clock.nowMillis())
        return ([account], true)
    }
}
