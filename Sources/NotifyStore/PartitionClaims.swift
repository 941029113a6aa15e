import Foundation
import Redis

/// Which partitions of a queue this worker process consumes: every live process renews its membership, and
/// member k of N (in name order) takes the partitions p with p % N == k. Every partition has a consumer once the
/// members' views agree (within one renewal), and each process added takes a share. While views differ, a partition
/// may briefly have two consumers, which its consumer group makes harmless.
public struct PartitionClaims: Sendable {
    let redis: RedisClient
    let key: String
    public let member: String
    public let partitions: Int
    /// A member not renewed for this long is dropped (a process killed without leaving).
    public let ttl: Duration

    public init(redis: RedisClient, queue: String, member: String, partitions: Int, ttl: Duration = .seconds(10)) {
        self.redis = redis
        self.key = Keys.queueMembers(queue)
        self.member = member
        self.partitions = max(1, partitions)
        self.ttl = ttl
    }

    /// Renews this member, drops lapsed ones, and returns this member's partitions; one round trip (one key).
    public func renew(now: Date = Date()) async throws -> [Int] {
        let ms = Int(now.timeIntervalSince1970 * 1000)
        let replies = try await redis.pipeline([
            RedisCommand("ZADD", key, ms + Int(ttl.components.seconds * 1000), member),
            RedisCommand("ZREMRANGEBYSCORE", key, "-inf", ms),
            RedisCommand("ZRANGE", key, 0, -1),
        ])
        let members = (replies.last?.array ?? []).compactMap(\.string).sorted()
        return Self.share(of: member, among: members, partitions: partitions)
    }

    /// Leaves at once, so the others take the partitions at their next renewal instead of after the ttl.
    public func leave() async throws {
        _ = try await redis.send("ZREM", key, member)
    }

    /// Member k of the sorted `members` takes p with p % N == k; a member not listed takes all (it could not tell).
    static func share(of member: String, among members: [String], partitions: Int) -> [Int] {
        guard let index = members.firstIndex(of: member) else { return Array(0..<partitions) }
        return (0..<partitions).filter { $0 % members.count == index }
    }
}
