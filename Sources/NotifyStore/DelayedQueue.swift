import Foundation
import Redis

/// A channel's retry set: notification ids scored by when they are due, moved back onto the channel's
/// stream by one script (set and stream share a hash tag, so the move is atomic even on Redis Cluster).
public struct DelayedQueue: Sendable {
    let redis: RedisClient
    public let key: String
    public let stream: String
    /// The stream entry's field that carries the member.
    let field: String

    public init(redis: RedisClient, queue: String, partition: Int = 0, field: String = "notification") {
        self.redis = redis
        self.key = Keys.delayed(queue, partition: partition)
        self.stream = Keys.stream(queue, partition: partition)
        self.field = field
    }

    /// Schedules `id` to return to the stream after `delay`; scheduling it again moves the due time.
    public func schedule(_ id: String, after delay: Duration, now: Date = Date()) async throws {
        let due = Int64(now.timeIntervalSince1970 * 1000) + Int64(delay.components.seconds * 1000 + delay.components.attoseconds / 1_000_000_000_000_000)
        _ = try await redis.send("ZADD", key, Int(due), id)
    }

    /// Schedules `id` to return to the stream at `date` (quiet hours, scheduled sends).
    public func schedule(_ id: String, at date: Date) async throws {
        _ = try await redis.send("ZADD", key, Int(date.timeIntervalSince1970 * 1000), id)
    }

    /// Moves up to `limit` due ids onto the stream; returns how many moved.
    public func moveDue(now: Date = Date(), limit: Int = 500) async throws -> Int {
        let reply = try await redis.evalsha(Self.moveScript, keys: [key, stream], args: [Int(now.timeIntervalSince1970 * 1000), limit, field])
        return reply.int ?? 0
    }

    /// Ids waiting, for tests and metrics.
    public func count() async throws -> Int {
        try await redis.send("ZCARD", key).int ?? 0
    }

    static let moveScript = RedisScript("""
    local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[2]))
    for _, id in ipairs(due) do
      redis.call('XADD', KEYS[2], '*', ARGV[3], id)
      redis.call('ZREM', KEYS[1], id)
    end
    return #due
    """)
}
