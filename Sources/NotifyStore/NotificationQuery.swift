import Foundation
import NotifyCore
import Redis

/// An entity's notifications, newest event first and in id order within an event, filtered and paged.
/// The cursor names the event and the last id returned, so pages never skip or repeat while fan-out adds more.
public struct NotificationQuery: Sendable {
    /// Ids examined per request at most, so a filter that matches little cannot make one request walk everything.
    static let budget = 5_000

    public struct Filter: Sendable {
        public var eventId: String?
        public var status: NotificationStatus?
        public var reference: String?
        public init(eventId: String? = nil, status: NotificationStatus? = nil, reference: String? = nil) {
            self.eventId = eventId
            self.status = status
            self.reference = reference
        }
    }

    public struct Item: Sendable, Encodable {
        public let id: String
        public let eventId: String
        public let eventType: String
        public let cpr: String
        public let channel: String
        public let status: String
        public let attempts: Int
        public let reference: String?
        public let createdAt: Date
    }

    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// One page; `next` is nil when nothing follows.
    public func page(entity: String, filter: Filter, cursor: String?, limit: Int) async throws -> (items: [Item], next: String?) {
        var (eventId, after) = try Self.parse(cursor)
        if let only = filter.eventId {
            guard eventId == nil || eventId == only else { throw NotifyError.invalid("cursor", "belongs to another query") }
            eventId = only
        }
        // A cursor names an event: it must be one of this entity's, or any entity could read another's list through it.
        if let named = eventId, filter.eventId == nil, try await redis.send("ZSCORE", Keys.entityEvents(entity), named).isNull {
            throw NotifyError.invalid("cursor", "must be a cursor from a previous page")
        }
        var items: [Item] = []
        var examined = 0
        var current = eventId
        if current == nil { current = try await nextEvent(entity: entity, after: nil, filter: filter) }
        while let event = current {
            let ids = try await ids(event: event, after: after, count: min(500, Self.budget - examined + 1))
            for (i, id) in ids.enumerated() {
                examined += 1
                if let item = try await load(id), filter.status.map({ $0.rawValue == item.status }) ?? true { items.append(item) }
                if items.count == limit || examined >= Self.budget {
                    var more = i < ids.count - 1 || ids.count == 500
                    if !more && filter.eventId == nil { more = try await nextEvent(entity: entity, after: event, filter: filter) != nil }
                    return (items, more ? "\(event):\(id)" : nil)
                }
            }
            if ids.count == 500 {
                after = ids.last
                continue
            }
            after = nil
            current = filter.eventId == nil ? try await nextEvent(entity: entity, after: event, filter: filter) : nil
        }
        return (items, nil)
    }

    private func ids(event: String, after: String?, count: Int) async throws -> [String] {
        let reply = try await redis.send("ZRANGEBYLEX", Keys.eventNotifications(event), after.map { "(" + $0 } ?? "-", "+", "LIMIT", 0, count)
        return (reply.array ?? []).compactMap(\.string)
    }

    /// The entity's next event (older than `after`) that matches the reference filter.
    private func nextEvent(entity: String, after: String?, filter: Filter) async throws -> String? {
        var start = 0
        if let after {
            guard let rank = try await redis.send("ZREVRANK", Keys.entityEvents(entity), after).int else { return nil }
            start = rank + 1
        }
        while true {
            let batch = (try await redis.send("ZREVRANGE", Keys.entityEvents(entity), start, start + 99).array ?? []).compactMap(\.string)
            guard !batch.isEmpty else { return nil }
            guard let reference = filter.reference else { return batch[0] }
            let refs = try await redis.pipeline(batch.map { RedisCommand("HGET", Keys.event($0), "reference") })
            if let i = refs.firstIndex(where: { $0.string == reference }) { return batch[i] }
            start += batch.count
        }
    }

    /// The item, or nil once its record has expired.
    private func load(_ id: String) async throws -> Item? {
        let f = try await redis.send("HMGET", Keys.notification(id), "eventId", "eventType", "cpr", "channel", "status", "attempts",
                                     "reference", "createdAt").array ?? []
        guard f.count == 8, let eventId = f[0].string, let status = f[4].string else { return nil }
        return Item(id: id, eventId: eventId, eventType: f[1].string ?? "", cpr: f[2].string ?? "", channel: f[3].string ?? "", status: status,
                    attempts: f[5].string.flatMap(Int.init) ?? 0, reference: f[6].string,
                    createdAt: Date(timeIntervalSince1970: TimeInterval(f[7].string.flatMap(Int.init) ?? 0)))
    }

    private static func parse(_ cursor: String?) throws -> (String?, String?) {
        guard let cursor else { return (nil, nil) }
        let parts = cursor.split(separator: ":").map(String.init)
        guard parts.count == 2, Digest.isID(parts[0], prefix: "evt_"), Digest.isID(parts[1], prefix: "ntf_") else {
            throw NotifyError.invalid("cursor", "must be a cursor from a previous page")
        }
        return (parts[0], parts[1])
    }
}
