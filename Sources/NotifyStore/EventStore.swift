import Foundation
import NotifyCore
import Redis

/// Published events: the record, its status and its counts by notification status.
public struct EventStore: Sendable {
    let redis: RedisClient
    /// The stream the fan-out workers read.
    public let stream: String
    /// The event's data and recipients are deleted this long after publishing; its counts stay.
    public let retention: Duration

    public init(redis: RedisClient, stream: String = Keys.stream("events"), retention: Duration = .seconds(7 * 86_400)) {
        self.redis = redis
        self.stream = stream
        self.retention = retention
    }

    /// How many fan-out entries an event becomes: one per topic shard, so workers share a large topic.
    public static func parts(of event: Event) -> Int { event.topic != nil ? TopicStore.shards : 1 }

    /// Stores the event, then puts it on the fan-out stream, or in the schedule when `sendAt` is later;
    /// returns once that is in Redis. Safe to call again for the same event: nothing is written twice.
    public func publish(_ event: Event, now: Date = Date()) async throws {
        let key = Keys.event(event.id)
        let body = try JSONCoding.encoder.encode(event)
        let scheduled = event.sendAt.map { $0 > now } ?? false
        let created = try await redis.send("SET", Keys.eventBody(event.id), Array(body), "NX", "EX", Int(retention.components.seconds))
        // A first attempt cut off after the body still needs its record; before the record nothing was enqueued.
        let fresh: Bool = if case .status = created { true } else { try await redis.send("HEXISTS", key, "entity").int == 0 }
        if fresh {
            var fields: [any RedisArgument] = ["status", scheduled ? "scheduled" : "accepted", "entity", event.entity, "type", event.type,
                                               "createdAt", Int(event.createdAt.timeIntervalSince1970), "parts", Self.parts(of: event)]
            if let reference = event.reference { fields += ["reference", reference] }
            // The entity's index first: the record's `entity` field is what tells a retry the event was written, so it
            // goes last (on a cluster the two are on different nodes, and a plain pipeline would not keep the order).
            for reply in try await redis.orderedPipeline([
                RedisCommand("ZADD", Keys.entityEvents(event.entity), Int(event.createdAt.timeIntervalSince1970 * 1000), event.id),
                RedisCommand("HSET", [key] + fields),
            ]) {
                if case .error = reply { throw StoreError.unexpected("publish", reply) }
            }
        }
        if scheduled, let at = event.sendAt {
            _ = try await redis.send("ZADD", Keys.scheduledEvents, "NX", Int(at.timeIntervalSince1970 * 1000), event.id)
            return
        }
        try await enqueue(event)
    }

    /// Puts the event's parts on the fan-out stream unless that was done. A crash between the two writes
    /// puts them there twice, which fan-out absorbs: each part resumes from its own cursor.
    public func enqueue(_ event: Event) async throws {
        let key = Keys.event(event.id)
        guard try await redis.send("HGET", key, "enqueued").string != "1" else { return }
        let parts = Self.parts(of: event)
        let adds = (0..<parts).map { RedisCommand("XADD", stream, "*", "event", event.id, "part", $0) }
        for reply in try await redis.pipeline(adds) where reply.string == nil { throw StoreError.unexpected("XADD", reply) }
        _ = try await redis.send("HSET", key, "enqueued", "1")
    }

    /// The event, or nil.
    public func load(_ id: String) async throws -> (event: Event, status: String, counts: [NotificationStatus: Int])? {
        guard let loaded = try await loadFields(id) else { return nil }
        var counts: [NotificationStatus: Int] = [:]
        for s in NotificationStatus.allCases { counts[s] = loaded.fields["count:\(s.rawValue)"].flatMap(Int.init) ?? 0 }
        return (loaded.event, loaded.fields["status"] ?? "accepted", counts)
    }

    /// The event and every field of its record (status, counts, cursors), or nil (unknown, or past its retention).
    public func loadFields(_ id: String) async throws -> (event: Event, fields: [String: String])? {
        guard Digest.isID(id, prefix: "evt_") else { return nil }
        let replies = try await redis.pipeline([RedisCommand("GET", Keys.eventBody(id)), RedisCommand("HGETALL", Keys.event(id))])
        guard let body = replies[0].bytes else { return nil }
        do { return (try JSONCoding.decoder.decode(Event.self, from: Data(body)), replies[1].hash) } catch {
            throw StoreError.corrupt(Keys.eventBody(id), "\(error)")
        }
    }

    /// The event's record (status, counts, type, entity, reference) without its body, which may be past its retention.
    public func summary(_ id: String) async throws -> [String: String]? {
        guard Digest.isID(id, prefix: "evt_") else { return nil }
        let f = try await redis.send("HGETALL", Keys.event(id)).hash
        return f["entity"] == nil ? nil : f
    }

    /// Marks the event's status when fan-out cannot proceed (`failed`).
    public func setStatus(_ id: String, _ status: String) async throws {
        _ = try await redis.send("HSET", Keys.event(id), "status", status)
    }

    /// Adjusts the event's per-status counts after notifications moved.
    public func count(_ id: String, moves: [(from: NotificationStatus?, to: NotificationStatus)]) async throws {
        guard !moves.isEmpty else { return }
        _ = try await redis.pipeline(countCommands(id, moves: moves))
    }

    func countCommands(_ id: String, moves: [(from: NotificationStatus?, to: NotificationStatus)]) -> [RedisCommand] {
        var delta: [String: Int] = [:]
        for m in moves {
            if let from = m.from { delta["count:\(from.rawValue)", default: 0] -= 1 }
            delta["count:\(m.to.rawValue)", default: 0] += 1
        }
        return delta.filter { $0.value != 0 }.map { RedisCommand("HINCRBY", Keys.event(id), $0.key, $0.value) }
    }
}
