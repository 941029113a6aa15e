import Foundation
import Logging
import NotifyStore
import Redis
import ServiceLifecycle

/// Runs staff bulk replays: pages through the matching failures, replaying each, and records progress per page
/// so a restarted worker resumes where the last one stopped.
public struct ReplayWorker: Service {
    let consumer: QueueConsumer
    let jobs: ReplayJobStore
    let query: FailureQuery
    let replay: FailureReplay
    let audit: AuditLog
    let pageSize: Int
    let concurrency: Int
    let logger: Logger

    public init(redis: RedisClient, replay: FailureReplay, consumerName: String, pageSize: Int = 500, concurrency: Int = 32,
                visibilityTimeout: Duration = .seconds(60), heartbeat: Heartbeat = .detached, logger: Logger) {
        jobs = ReplayJobStore(redis: redis)
        consumer = QueueConsumer(queue: jobs.queue, redis: redis, consumer: consumerName, batchSize: 1,
                                 visibilityTimeout: visibilityTimeout, logger: logger, heartbeat: heartbeat)
        query = FailureQuery(redis: redis)
        self.replay = replay
        audit = AuditLog(redis: redis)
        self.pageSize = pageSize
        self.concurrency = concurrency
        self.logger = logger
    }

    public func run() async throws {
        try await consumer.run { entries in
            for entry in entries {
                do {
                    guard let id = entry.fields["job"] else {
                        try await consumer.queue.ack([entry.id])
                        continue
                    }
                    // Unfinished (graceful shutdown): left pending, to be resumed from its cursor.
                    do {
                        if try await run(job: id, entry: entry.id) { try await consumer.queue.ack([entry.id]) }
                    } catch where Self.isFinal(error) {
                        // Redis refused a command of the job's: running it again would fail the same way, for ever.
                        try await fail(job: id, error: error)
                        try await consumer.queue.ack([entry.id])
                    }
                } catch {
                    logger.warning("replay job interrupted; it will resume", metadata: ["entry": "\(entry.id)", "error": "\(error)"])
                }
            }
        }
    }

    /// Runs one job to its end; false when graceful shutdown stopped it between pages.
    func run(job id: String, entry: String) async throws -> Bool {
        guard let job = try await jobs.load(id), job.status != .done else { return true }
        var filter = job.filter
        filter.until = job.createdAt
        if job.status == .queued { try await jobs.start(id, total: try await query.count(filter)) }
        logger.info("replay job running", metadata: ["job": "\(id)"])
        var cursor = job.cursor
        var seen = Set<String>()
        repeat {
            if Task.isShuttingDownGracefully || Task.isCancelled { return false }
            let page = try await query.page(filter, cursor: cursor, limit: pageSize, statuses: false)
            let tally = try await replayAll(page.items.map(\.letter.notificationId), marker: id, seen: &seen)
            try await jobs.advance(id, cursor: page.next, processed: page.items.count, replayed: tally.replayed, skipped: tally.skipped)
            try await consumer.queue.touch(consumer: consumer.consumer, ids: [entry])
            cursor = page.next
        } while cursor != nil
        try await jobs.finish(id)
        let done = try await jobs.load(id)
        let skipped = done?.skipped.values.reduce(0, +) ?? 0
        try await audit.append(AuditEntry(staff: job.staff, role: job.role, action: "bulk-replay", target: id, reason: job.reason,
                                          outcome: "done: \(done?.replayed ?? 0) replayed, \(skipped) not replayed"))
        logger.info("replay job done", metadata: ["job": "\(id)", "replayed": "\(done?.replayed ?? 0)", "skipped": "\(skipped)"])
        return true
    }

    /// An error Redis answered with (not a lost connection or a timeout, which pass).
    /// A cluster's TRYAGAIN or CLUSTERDOWN (a slot moving, a failover) passes: only other refusals are final.
    static func isFinal(_ error: any Error) -> Bool {
        if let redis = error as? RedisError {
            return redis.isReply && !redis.message.hasPrefix("TRYAGAIN") && !redis.message.hasPrefix("CLUSTERDOWN")
        }
        return error is StoreError
    }

    private func fail(job id: String, error: any Error) async throws {
        try await jobs.finish(id, status: .failed)
        guard let job = try await jobs.load(id) else { return }
        try await audit.append(AuditEntry(staff: job.staff, role: job.role, action: "bulk-replay", target: id, reason: job.reason,
                                          outcome: "failed after \(job.processed) processed: \(error)"))
        logger.error("replay job failed", metadata: ["job": "\(id)", "error": "\(error)"])
    }

    /// Replays a page's notifications, `concurrency` at a time; a notification met twice in one job counts once.
    private func replayAll(_ ids: [String], marker: String, seen: inout Set<String>) async throws -> (replayed: Int, skipped: [String: Int]) {
        var replayed = 0
        var skipped: [String: Int] = [:]
        var fresh: [String] = []
        for id in ids {
            if seen.insert(id).inserted { fresh.append(id) } else { skipped["already in this job", default: 0] += 1 }
        }
        func tally(_ outcome: FailureReplay.Outcome) {
            switch outcome {
            case .replayed: replayed += 1
            case .notFound: skipped["record past retention", default: 0] += 1
            case .notFailed(let status): skipped["not failed (\(status.rawValue))", default: 0] += 1
            case .refused(let reason): skipped[reason, default: 0] += 1
            }
        }
        try await withThrowingTaskGroup(of: FailureReplay.Outcome.self) { group in
            var pending = fresh.makeIterator()
            for _ in 0..<concurrency {
                guard let id = pending.next() else { break }
                group.addTask { try await replay.replay(id, marker: marker) }
            }
            while let outcome = try await group.next() {
                tally(outcome)
                if let id = pending.next() { group.addTask { try await replay.replay(id, marker: marker) } }
            }
        }
        return (replayed, skipped)
    }
}
