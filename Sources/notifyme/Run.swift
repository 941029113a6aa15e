import ArgumentParser
import Foundation
import Logging
import NotifyAPI
import NotifyConfig
import NotifyWorkers
import ProviderSim
import Redis
import ServiceLifecycle
import Transport

/// `notifyme run`: Redis (embedded unless configured), the HTTP API and every worker in one process.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the HTTP API and all workers (and a private redis-server unless NOTIFYME_REDIS_URL is set).",
        discussion: """
        Stops cleanly on Ctrl-C or SIGTERM: requests drain, workers hand back what
        they hold, then Redis stops.
        """
    )

    func run() async throws {
        // A peer closing a socket must be an error on that socket, not the end of the process.
        signal(SIGPIPE, SIG_IGN)
        var config = try CLI.loadConfiguration()
        let logger = CLI.bootstrapLogging(level: config.logLevel, format: config.logFormat)
        var simulator: ProviderSimulator?
        if config.providers.usesSimulator {
            var simLogger = logger
            simLogger[metadataKey: "component"] = "provider-sim"
            let (sim, providers) = try EmbeddedSimulator.make(config: config, logger: simLogger)
            simulator = sim
            config.providers = providers
        }
        let embedded = config.usesEmbeddedRedis ? try EmbeddedRedis.start(config: config, logger: logger, exclusive: true) : nil
        defer { embedded?.stop() }
        let redis = RedisClient(configuration: try CLI.redisConfiguration(config), poolSize: config.redis.poolSize, logger: logger)
        defer { redis.close() }
        let transport = CurlTransport(logger: logger)
        defer { transport.shutdown() }

        let deps = try await CLI.dependencies(config, redis: redis)
        var workers = try WorkerSet.make(config: config, redis: redis, catalogue: deps.catalogue, templates: deps.templates, cipher: deps.cipher,
                                         transport: transport, health: deps.health, logger: logger)
        if let simulator { workers.insert(simulator, at: 0) }
        if embedded != nil {
            var compactorLogger = logger
            compactorLogger[metadataKey: "worker"] = "aof-compactor"
            workers.append(AOFCompactor(redis: redis, logger: compactorLogger))
        }
        let app = buildApplication(config: config, dependencies: deps, services: workers, logger: logger)
        logger.info("NotifyMe starting", metadata: [
            "http": "\(config.http.host):\(config.http.port)",
            "redis": "\(config.usesEmbeddedRedis ? "embedded" : "external")",
            "email": "\(config.email.smtpURL.isEmpty ? "outbox \(config.outboxDir)" : "smtp")",
            "providers": "\(simulator.map { "simulator \($0.baseURL)" } ?? "configured")",
        ])
        try await app.runService()
        logger.info("NotifyMe stopped")
    }
}
