import Foundation
import Redis

extension RedisInfo {
    /// Rewrites each node's append-only file (when AOF is on) and waits until the rewrite is done: a run that follows
    /// seeding then does not pay for the rewrite that seeding's writes would trigger. Returns whether any node rewrote.
    static func rewriteAppendOnlyFile(_ redis: RedisClient, timeout: Duration = .seconds(300)) async throws -> Bool {
        guard try await persistence(redis).contains(where: { $0["aof_enabled"] == "1" }) else { return false }
        let deadline = ContinuousClock.now + timeout
        // A rewrite already running answers an error and schedules nothing: wait for it, then ask again.
        while try await persistence(redis).contains(where: { $0["aof_rewrite_in_progress"] == "1" }) {
            guard ContinuousClock.now < deadline else { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        _ = try await redis.sendToEachNode(RedisCommand("BGREWRITEAOF"))
        while try await persistence(redis).contains(where: { $0["aof_rewrite_in_progress"] == "1" || $0["aof_rewrite_scheduled"] == "1" }) {
            guard ContinuousClock.now < deadline else { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return true
    }

    /// `INFO persistence` of each node, as fields.
    private static func persistence(_ redis: RedisClient) async throws -> [[Substring: Substring]] {
        try await redis.sendToEachNode(RedisCommand("INFO", "persistence")).map(\.infoFields)
    }
}
