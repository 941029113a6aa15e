import Foundation
import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// Puts events whose `sendAt` has come onto the fan-out stream.
public struct EventScheduler: Service {
    let events: EventStore
    let interval: Duration
    let heartbeat: Heartbeat
    let logger: Logger

    public init(redis: RedisClient, interval: Duration = .milliseconds(500), heartbeat: Heartbeat = .detached, logger: Logger) {
        self.heartbeat = heartbeat
        self.events = EventStore(redis: redis)
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        defer { heartbeat.stopped() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                while try await events.moveDue(limit: 100) == 100 {}
                heartbeat.beat()
            } catch {
                heartbeat.failed()
                logger.warning("moving due scheduled events failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }
}
