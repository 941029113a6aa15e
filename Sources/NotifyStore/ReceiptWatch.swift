import Foundation
import Redis

/// Sent notifications whose provider will post a receipt, by when the wait ends: what the expiry
/// sweep turns into `expired` when no receipt came. Receipts being recorded wait here too (``journalMember(_:)``).
public struct ReceiptWatch: Sendable {
    public static let shards = 16
    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// The shard of a notification id, or of receipts kept while recorded (``journalMember(_:)``): the first one's.
    static func shard(of member: String) -> Int {
        // Ids are `ntf_` plus hex: the first digit spreads them evenly.
        let id = member.utf8.dropFirst(isJournal(member) ? journalPrefix.utf8.count : 0)
        return id.dropFirst(4).first.flatMap { Int(String(UnicodeScalar($0)), radix: 16) } ?? 0
    }

    public func watch(_ id: String, until: Date) async throws {
        _ = try await redis.send(Self.watchCommand(id, until: until))
    }

    /// ``watch(_:until:)`` as a command, to pipeline with what follows an acceptance.
    public static func watchCommand(_ id: String, until: Date) -> RedisCommand {
        RedisCommand("ZADD", Keys.awaitingReceipt(shard: shard(of: id)), Int(until.timeIntervalSince1970 * 1000), id)
    }

    /// A receipt (or expiry) settled them: they wait no longer. One round trip. Takes journal members too.
    public func settle(_ ids: [String]) async throws {
        _ = try await redis.pipeline(Self.settleCommands(ids))
    }

    /// ``settle(_:)`` for many, as one ZREM per shard (shards in order), to pipeline after the counts of the receipts' moves.
    public static func settleCommands(_ ids: [String]) -> [RedisCommand] {
        var byShard: [Int: [any RedisArgument]] = [:]
        for id in ids { byShard[shard(of: id), default: []].append(id) }
        return byShard.keys.sorted().map { RedisCommand("ZREM", [Keys.awaitingReceipt(shard: $0)] + (byShard[$0] ?? [])) }
    }

    /// Members whose wait ended by `now`, from one shard: ids, and receipts whose recording was cut off (``isJournal(_:)``).
    public func due(shard: Int, now: Date = Date(), limit: Int = 500) async throws -> [String] {
        let reply = try await redis.send("ZRANGEBYSCORE", Keys.awaitingReceipt(shard: shard), "-inf", Int(now.timeIntervalSince1970 * 1000),
                                         "LIMIT", 0, limit)
        return (reply.array ?? []).compactMap(\.string)
    }

    /// How many fall due by `date`: with `date` a little past ``journalGrace`` from now, the receipts still being
    /// recorded (plus any notification whose wait ends that soon).
    public func count(dueBy date: Date) async throws -> Int {
        let end = Int(date.timeIntervalSince1970 * 1000)
        let replies = try await redis.pipeline((0..<Self.shards).map { RedisCommand("ZCOUNT", Keys.awaitingReceipt(shard: $0), "-inf", end) })
        return replies.reduce(0) { $0 + ($1.int ?? 0) }
    }

    /// How many are waiting, for tests and metrics.
    public func count() async throws -> Int {
        let replies = try await redis.pipeline((0..<Self.shards).map { RedisCommand("ZCARD", Keys.awaitingReceipt(shard: $0)) })
        return replies.reduce(0) { $0 + ($1.int ?? 0) }
    }
}
