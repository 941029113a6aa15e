import Hummingbird
import HummingbirdHTTP2
import Logging
import ServiceLifecycle

extension ProviderSimulator {
    /// Runs both listeners and the receipt poster until graceful shutdown or cancellation.
    /// A simulator runs once at a time; bind failures are also reported by ``ready(timeout:)``.
    public func run() async throws {
        let (receipts, sink) = AsyncStream.makeStream(of: ReceiptJob.self)
        try state.withLock { state in
            guard !state.isRunning else { throw SimulatorError("already running") }
            state = SimState(restarting: state, receipts: sink)
        }
        defer {
            sink.finish()
            state.withLock { state in
                state.isRunning = false
                state.receipts = nil
                state.http1Port = nil
                state.http2Port = nil
            }
        }
        let http1 = Application(
            router: makeHTTP1Router(),
            server: .http1(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.port)),
            onServerRunning: { [self] channel in didBind(http1: channel.localAddress?.port) },
            logger: logger
        )
        let http2 = Application(
            router: makeAPNsRouter(),
            server: .plaintextHTTP2(),
            configuration: ApplicationConfiguration(address: .hostname(configuration.host, port: configuration.http2Port)),
            onServerRunning: { [self] channel in didBind(http2: channel.localAddress?.port) },
            logger: logger
        )
        let poster = ReceiptPoster(jobs: receipts, batcher: ReceiptBatcher(limit: configuration.gatewayReceiptBatch), logger: logger)
        let group = ServiceGroup(configuration: .init(services: [poster, http1, http2], logger: logger))
        do {
            try await group.run()
        } catch {
            state.withLock { state in
                if state.http1Port == nil || state.http2Port == nil {
                    state.startupFailure = SimulatorError("could not start listening on \(configuration.host): \(error)")
                }
            }
            throw error
        }
    }

    /// Runs a simulator for the duration of `body`: starts it in a child task, waits until it
    /// listens, calls `body`, then shuts it down gracefully and waits for it to stop.
    public static func withRunning<T>(
        _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
        logger: Logger = Logger(label: "provider-sim"),
        _ body: (ProviderSimulator) async throws -> T
    ) async throws -> T {
        let simulator = try ProviderSimulator(configuration: configuration, logger: logger)
        return try await ScopedService.run(simulator, logger: logger, ready: { try await $0.ready() }, body)
    }

    private func didBind(http1 port: Int?) {
        guard let port else { return }
        // The file first, then the port: `ready()` returns once the port is known, and whoever reads the
        // service account then must find it pointing at this port, not at the previous run's.
        if let directory = configuration.credentialsDirectory {
            do {
                try credentials(port: port).writeServiceAccount(to: directory)
            } catch {
                logger.warning("cannot rewrite FCM service account", metadata: ["error": "\(error)"])
            }
        }
        state.withLock { $0.http1Port = port }
    }

    private func didBind(http2 port: Int?) {
        guard let port else { return }
        state.withLock { $0.http2Port = port }
    }
}

extension SimState {
    /// A state for a new run: behaviours, messages and subscriptions carry over; ports are cleared.
    init(restarting previous: SimState, receipts: AsyncStream<ReceiptJob>.Continuation) {
        self = previous
        isRunning = true
        startupFailure = nil
        http1Port = nil
        http2Port = nil
        self.receipts = receipts
    }
}
