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
            let due = try await watch.due(shard: shard, now: now)
            guard !due.isEmpty else { continue }
            // One batch per shard: after a provider outage, thousands can fall due at once.
            let results = try await outcomes.record(due.map { DeliveryOutcomes.Report($0, .expired, detail: "no delivery receipt in time; outcome unknown") },
                                                    now: now)
            expired += results.count { if case .applied = $0 { true } else { false } }
            // Settled by a receipt meanwhile, or already expired: either way they wait no longer.
            try await watch.settle(due)
        }
        return expired
    }
}
