import ArgumentParser
import Foundation
import NotifyAPI
import NotifyConfig
import NotifyWorkers
import Redis
import ServiceLifecycle
import Transport

extension WorkerRole: ExpressibleByArgument {}

/// `notifyme worker <role>...`: only the named workers, against a shared Redis; run as many as the load needs.
struct Worker: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run workers only (no HTTP API) against the Redis in NOTIFYME_REDIS_URL or redis.url.",
        discussion: """
        Roles: fanout (events to notifications), sms, email, push (deliveries),
        callbacks (status callbacks to entities), scheduler (retries, quiet hours,
        sendAt, receipt expiry).
        Workers hold no local state: start any number of processes on any hosts.
        Channel workers use the providers in the configuration. Stops cleanly on
        SIGTERM: what a worker holds is finished or handed back.
        """
    )

    @Argument(help: "The workers to run: \(WorkerRole.allCases.map(\.rawValue).joined(separator: ", ")); none means all.")
    var roles: [WorkerRole] = []

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let config = try CLI.loadConfiguration()
        let logger = CLI.bootstrapLogging(level: config.logLevel, format: config.logFormat)
        let redis = try CLI.sharedRedis(config, logger: logger, for: "a worker")
        defer { redis.close() }
        let transport = CurlTransport(logger: logger)
        defer { transport.shutdown() }
        let deps = try await CLI.dependencies(config, redis: redis)
        let chosen = roles.isEmpty ? Set(WorkerRole.allCases) : Set(roles)
        let services = try WorkerSet.make(config: config, redis: redis, catalogue: deps.catalogue, templates: deps.templates, cipher: deps.cipher,
                                          transport: transport, roles: chosen, logger: logger)
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) },
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        logger.info("workers starting", metadata: ["roles": "\(chosen.map(\.rawValue).sorted().joined(separator: ","))"])
        try await group.run()
        logger.info("workers stopped")
    }
}
