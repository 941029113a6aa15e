import Foundation
import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// Turns `sent` notifications whose receipt never came into `expired` (outcome unknown), so none is left hanging, and
/// finishes receipts whose recording was cut off (``ReceiptWatch/journalGrace``).
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
        var expired = 0, finished = 0
        defer {
            if finished > 0 { logger.warning("receipts cut off while being recorded finished", metadata: ["count": "\(finished)"]) }
        }
        for shard in 0..<ReceiptWatch.shards {
            let due = try await watch.due(shard: shard, now: now)
            guard !due.isEmpty else { continue }
            // Receipts whose recording was cut off first: recorded again, they finish what was left (or move the
            // notification, if the cut came before the move), and a notification they settle does not expire.
            let cutOff = due.flatMap(ReceiptWatch.journaled)
            var answered: [String] = []
            if !cutOff.isEmpty {
                let results = try await outcomes.record(cutOff, now: now)
                // Their notifications wait for no receipt, unless one was held for a send still being recorded.
                answered = zip(cutOff, results).filter { $0.1 != .held }.map(\.0.id)
                finished += cutOff.count
            }
            // One batch per shard: after a provider outage, thousands can fall due at once.
            let waiting = due.filter { !ReceiptWatch.isJournal($0) }
            let results = try await outcomes.record(waiting.map { DeliveryOutcomes.Report($0, .expired, detail: "no delivery receipt in time; outcome unknown") },
                                                    now: now)
            expired += results.count { if case .applied = $0 { true } else { false } }
            // Settled by a receipt meanwhile, or already expired: either way they wait no longer.
            try await watch.settle(due + answered)
        }
        return expired
    }
}
