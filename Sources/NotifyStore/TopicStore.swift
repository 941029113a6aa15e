import NotifyCore
import Redis

/// Topic memberships, kept on both sides: the topic's shards (what fan-out walks) and the resident's
/// own set (what they see and what erasure removes). Each side is one key, each write idempotent.
public struct TopicStore: Sendable {
    /// Shards per topic: enough to spread a million members over a cluster and over fan-out workers.
    public static let shards = 16

    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// The shard a resident lives in; stable, so a member is always found in the same place.
    public static func shard(of cpr: CPR) -> Int {
        // FNV-1a: cheap and spreads sequential CPRs evenly.
        var hash: UInt32 = 2_166_136_261
        for byte in cpr.value.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % UInt32(shards))
    }

    public func subscribe(_ cpr: CPR, to topic: String) async throws {
        try await subscribe([cpr], to: topic)
    }

    /// Adds many residents at once (imports, benchmarks), pipelined: first each resident's own list of topics, then,
    /// once that is written, the topic's members, so a member of a topic always has it in their list (which erasure
    /// walks). On a cluster the two live on different nodes, so one pipeline would not keep that order.
    public func subscribe(_ cprs: [CPR], to topic: String) async throws {
        try StoreError.check(try await redis.pipeline(cprs.map { RedisCommand("SADD", Keys.residentTopics($0), topic) }), "topic membership")
        try StoreError.check(try await redis.pipeline(cprs.map { RedisCommand("ZADD", Keys.topicMembers(topic, shard: Self.shard(of: $0)), 0, $0.value) }), "topic membership")
    }

    /// Leaves the topic's members first, then the resident's own list: the reverse of `subscribe`.
    public func unsubscribe(_ cpr: CPR, from topic: String) async throws {
        try StoreError.check(try await redis.orderedPipeline([
            RedisCommand("ZREM", Keys.topicMembers(topic, shard: Self.shard(of: cpr)), cpr.value),
            RedisCommand("SREM", Keys.residentTopics(cpr), topic),
        ]), "topic membership")
    }

    /// The resident's topics, sorted.
    public func topics(of cpr: CPR) async throws -> [String] {
        (try await redis.send("SMEMBERS", Keys.residentTopics(cpr)).array ?? []).compactMap(\.string).sorted()
    }

    /// Leaves every topic (erasure).
    public func leaveAll(_ cpr: CPR) async throws {
        for topic in try await topics(of: cpr) { try await unsubscribe(cpr, from: topic) }
        _ = try await redis.send("DEL", Keys.residentTopics(cpr))
    }

    /// Up to `limit` members of one shard after `after` (exclusive; nil from the start), in CPR order.
    public func members(_ topic: String, shard: Int, after: String?, limit: Int) async throws -> [CPR] {
        let start = after.map { "(" + $0 } ?? "-"
        let reply = try await redis.send("ZRANGE", Keys.topicMembers(topic, shard: shard), start, "+", "BYLEX", "LIMIT", 0, limit)
        return (reply.array ?? []).compactMap { $0.string.flatMap { try? CPR($0) } }
    }

    /// How many residents the topic has.
    public func count(_ topic: String) async throws -> Int {
        let replies = try await redis.pipeline((0..<Self.shards).map { RedisCommand("ZCARD", Keys.topicMembers(topic, shard: $0)) })
        return replies.reduce(0) { $0 + ($1.int ?? 0) }
    }
}
