import ArgumentParser
import Foundation
import NotifyAPI
import Redis

/// `notifyme api`: the HTTP API alone, against a shared Redis; workers run elsewhere (`notifyme worker`).
struct API: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "api",
        abstract: "Run the HTTP API only (no workers) against the Redis in NOTIFYME_REDIS_URL or redis.url.",
        discussion: """
        Holds no local state: start any number behind a load balancer, beside
        `notifyme worker` processes on any hosts. /health/ready follows Redis alone,
        since this process runs no worker. Stops cleanly on SIGTERM: requests drain.
        """
    )

    func run() async throws {
        signal(SIGPIPE, SIG_IGN)
        let config = try CLI.loadConfiguration()
        let logger = CLI.bootstrapLogging(level: config.logLevel, format: config.logFormat)
        let redis = try CLI.sharedRedis(config, logger: logger, for: "the API alone")
        defer { redis.close() }
        let deps = try await CLI.dependencies(config, redis: redis)
        let app = buildApplication(config: config, dependencies: deps, logger: logger)
        logger.info("NotifyMe API starting", metadata: ["http": "\(config.http.host):\(config.http.port)"])
        try await app.runService()
        logger.info("NotifyMe API stopped")
    }
}
