import NotifyCore
import Redis

/// One stream read through a consumer group: at-least-once delivery of small field maps.
public struct WorkQueue: Sendable {
    /// An entry read from the stream.
    public struct Entry: Sendable, Equatable {
        public let id: String
        public let fields: [String: String]
    }

    let redis: RedisClient
    public let stream: String
    public let group: String

    public init(redis: RedisClient, stream: String, group: String) {
        self.redis = redis
        self.stream = stream
        self.group = group
    }

    /// A channel's delivery queue: its stream, read by the group named after the channel.
    public static func channel(_ channel: Channel, redis: RedisClient) -> WorkQueue {
        WorkQueue(redis: redis, stream: Keys.stream(channel.rawValue), group: channel.rawValue)
    }

    /// Creates the group (and the stream) if needed, from the start so nothing added before is missed.
    public func ensureGroup() async throws {
        do {
            _ = try await redis.send("XGROUP", "CREATE", stream, group, "0", "MKSTREAM")
        } catch let error as RedisError where error.isBusyGroup {
            return
        }
    }

    /// Appends many entries in one round trip; returns their ids.
    @discardableResult
    public func add(_ entries: [[String: String]]) async throws -> [String] {
        guard !entries.isEmpty else { return [] }
        let replies = try await redis.pipeline(entries.map { fields in
            RedisCommand("XADD", [stream, "*"] + fields.sorted(by: { $0.key < $1.key }).flatMap { [$0.key, $0.value] as [any RedisArgument] })
        })
        return try replies.map { reply in
            guard let id = reply.string else { throw StoreError.unexpected("XADD", reply) }
            return id
        }
    }

    /// Reads up to `count` entries for `consumer`: its own pending ones after the id `after` when `pending` is true, else
    /// new ones, waiting up to `block` on `connection` (a blocking connection owned by the caller).
    public func read(consumer: String, count: Int, block: Duration?, pending: Bool, after: String = "0",
                     on connection: RedisConnection) async throws -> [Entry] {
        var args: [any RedisArgument] = ["GROUP", group, consumer, "COUNT", count]
        var timeout = Duration.seconds(5)
        if let block, !pending {
            let ms = Int(block.components.seconds * 1000 + block.components.attoseconds / 1_000_000_000_000_000)
            args += ["BLOCK", ms]
            timeout = block + .seconds(5)
        }
        args += ["STREAMS", stream, pending ? after : ">"]
        let reply = try await connection.send(RedisCommand("XREADGROUP", args), timeout: timeout)
        guard let streams = reply.array, let first = streams.first?.array, first.count == 2 else { return [] }
        return Self.entries(first[1])
    }

    /// Acknowledges handled entries.
    public func ack(_ ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await redis.send(ackCommand(ids))
    }

    /// ``ack(_:)`` as a command, to go in the round trip of the last write the entries' handling makes.
    public func ackCommand(_ ids: [String]) -> RedisCommand {
        RedisCommand("XACK", [stream, group] + ids.map { $0 as any RedisArgument })
    }

    /// Takes over entries other consumers left idle longer than `minIdle` (they died or hung).
    public func reclaim(consumer: String, minIdle: Duration, count: Int) async throws -> [Entry] {
        let ms = Int(minIdle.components.seconds * 1000)
        let reply = try await redis.send("XAUTOCLAIM", stream, group, consumer, ms, "0-0", "COUNT", count)
        guard let parts = reply.array, parts.count >= 2 else { return [] }
        return Self.entries(parts[1])
    }

    /// Resets the idle time of entries `consumer` still works on, so a long job is not reclaimed as abandoned.
    public func touch(consumer: String, ids: [String]) async throws {
        guard !ids.isEmpty else { return }
        _ = try await redis.send(RedisCommand("XCLAIM", [stream, group, consumer, 0] + ids.map { $0 as any RedisArgument } + ["JUSTID"]))
    }

    /// Makes every entry `consumer` still holds look idle for `idle`, so the next reclaim by any consumer takes it at once:
    /// how a worker stopping gracefully hands back what it did not finish, instead of leaving it to the visibility
    /// timeout. JUSTID: handing back is not a delivery, so it does not count towards dead-lettering.
    @discardableResult
    public func handBack(consumer: String, idle: Duration) async throws -> Int {
        let reply = try await redis.send("XPENDING", stream, group, "-", "+", 10_000, consumer)
        let ids = (reply.array ?? []).compactMap { $0.array?.first?.string }
        guard !ids.isEmpty else { return 0 }
        let ms = Int(idle.components.seconds * 1000)
        _ = try await redis.send(RedisCommand("XCLAIM", [stream, group, consumer, 0] + ids.map { $0 as any RedisArgument } + ["IDLE", ms, "JUSTID"]))
        return ids.count
    }

    /// Entries in the stream not yet acknowledged by the group.
    public func pendingCount() async throws -> Int {
        let reply = try await redis.send("XPENDING", stream, group)
        return reply.array?.first?.int ?? 0
    }

    static func entries(_ value: RedisValue) -> [Entry] {
        (value.array ?? []).compactMap { item in
            guard let pair = item.array, pair.count == 2, let id = pair[0].string else { return nil }
            // A deleted-but-pending entry comes back with nil fields: keep its id so it can be acked.
            return Entry(id: id, fields: pair[1].hash)
        }
    }
}
