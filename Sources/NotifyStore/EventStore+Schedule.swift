import Foundation
import NotifyCore
import Redis

extension EventStore {
    /// Puts events whose `sendAt` has come on the fan-out stream; returns how many moved.
    /// Each is enqueued before it leaves the schedule, so a crash in between only enqueues it again (a no-op).
    public func moveDue(now: Date = Date(), limit: Int = 100) async throws -> Int {
        let due = (try await redis.send("ZRANGEBYSCORE", Keys.scheduledEvents, "-inf", Int(now.timeIntervalSince1970 * 1000),
                                        "LIMIT", 0, limit).array ?? []).compactMap(\.string)
        for id in due {
            if let loaded = try await loadFields(id) {
                if loaded.fields["status"] == "scheduled" { _ = try await redis.send("HSET", Keys.event(id), "status", "accepted") }
                try await enqueue(loaded.event)
            }
            _ = try await redis.send("ZREM", Keys.scheduledEvents, id)
        }
        return due.count
    }

    /// Events waiting for their sendAt.
    public func scheduledCount() async throws -> Int {
        try await redis.send("ZCARD", Keys.scheduledEvents).int ?? 0
    }
}
