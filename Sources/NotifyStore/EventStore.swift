import Foundation
import NotifyCore
import Redis

/// Published events: the record, its status and its counts by notification status.
public struct EventStore: Sendable {
    let redis: RedisClient
    /// The stream the fan-out workers read.
    public let stream: String

    public init(redis: RedisClient, stream: String = Keys.stream("events")) {
        self.redis = redis
        self.stream = stream
    }

    /// Stores the event and puts it on the fan-out stream; returns once both are in Redis.
    /// Safe to call again for the same event: the record is rewritten only if absent.
    public func publish(_ event: Event) async throws {
        let key = Keys.event(event.id)
        let body = try JSONCoding.encoder.encode(event)
        let created = try await redis.send("HSETNX", key, "body", Array(body))
        if created.int == 1 {
            _ = try await redis.send("HSET", key, "status", "accepted", "entity", event.entity, "type", event.type,
                                     "createdAt", Int(event.createdAt.timeIntervalSince1970))
        }
        guard try await redis.send("HGET", key, "enqueued").string != "1" else { return }
        _ = try await redis.send("XADD", stream, "*", "event", event.id)
        _ = try await redis.send("HSET", key, "enqueued", "1")
    }

    /// The event, or nil.
    public func load(_ id: String) async throws -> (event: Event, status: String, counts: [NotificationStatus: Int])? {
        guard Digest.isID(id, prefix: "evt_") else { return nil }
        let f = try await redis.send("HGETALL", Keys.event(id)).hash
        guard let body = f["body"] else { return nil }
        let event: Event
        do { event = try JSONCoding.decoder.decode(Event.self, from: Data(body.utf8)) } catch {
            throw StoreError.corrupt(Keys.event(id), "\(error)")
        }
        var counts: [NotificationStatus: Int] = [:]
        for s in NotificationStatus.allCases { counts[s] = f["count:\(s.rawValue)"].flatMap(Int.init) ?? 0 }
        return (event, f["status"] ?? "accepted", counts)
    }

    /// Marks the event's fan-out progress (`fanning-out`, `dispatched`).
    public func setStatus(_ id: String, _ status: String) async throws {
        _ = try await redis.send("HSET", Keys.event(id), "status", status)
    }

    /// Adjusts the event's per-status counts after notifications moved.
    public func count(_ id: String, moves: [(from: NotificationStatus?, to: NotificationStatus)]) async throws {
        guard !moves.isEmpty else { return }
        var delta: [String: Int] = [:]
        for m in moves {
            if let from = m.from { delta["count:\(from.rawValue)", default: 0] -= 1 }
            delta["count:\(m.to.rawValue)", default: 0] += 1
        }
        _ = try await redis.pipeline(delta.filter { $0.value != 0 }.map { RedisCommand("HINCRBY", Keys.event(id), $0.key, $0.value) })
    }
}
