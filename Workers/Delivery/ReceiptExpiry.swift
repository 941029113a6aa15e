import Foundation
import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// Turns `sent` notifications whose receipt never came into `expired` (outcome unknown), so none is left hanging.
public struct ReceiptExpiry: Service {
    let watch: ReceiptWatch
    let outcomes: DeliveryOutcomes
    let interval: Duration
    let heartbeat: Heartbeat
    let logger: Logger

    public init(redis: RedisClient, interval: Duration = .seconds(1), heartbeat: Heartbeat = .detached, logger: Logger) {
        self.heartbeat = heartbeat
        watch = ReceiptWatch(redis: redis)
        outcomes = DeliveryOutcomes(redis: redis)
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        defer { heartbeat.stopped() }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            do {
                try await sweep()
                heartbeat.beat()
            } catch {
                heartbeat.failed()
                logger.warning("expiring unanswered notifications failed; trying again", metadata: ["error": "\(error)"])
            }
            try? await Task.sleep(for: interval)
        }
    }

    /// One pass over every shard; returns how many expired.
    @discardableResult
    public func sweep(now: Date = Date()) async throws -> Int {
        var expired = 0
        for shard in 0..<ReceiptWatch.shards {
            for id in try await watch.due(shard: shard, now: now) {
                if case .applied = try await outcomes.record(id, .expired, detail: "no delivery receipt in time; outcome unknown", now: now) {
                    expired += 1
                }
                // Settled by a receipt meanwhile, or already expired: either way it waits no longer.
                try await watch.settle(id)
            }
        }
        return expired
    }
}
