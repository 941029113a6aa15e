import Foundation
import Redis

extension WorkQueue {
    /// How far behind a queue's consumers are.
    public struct Stats: Sendable, Equatable {
        /// Entries not yet acknowledged: pending with a consumer, or not yet read.
        public let depth: Int
        /// Age of the oldest such entry, in seconds; 0 when there is none.
        public let oldestAge: Double
    }

    /// The group's backlog and the age of its oldest entry (from stream ids, which carry their time).
    public func stats(now: Date = Date()) async throws -> Stats {
        let replies = try await redis.pipeline([
            RedisCommand("XINFO", "GROUPS", stream),
            RedisCommand("XPENDING", stream, group),
        ])
        // No stream yet: nothing waits. No group yet (no worker has started): everything in the stream waits.
        guard case .array(let groups) = replies[0] else { return Stats(depth: 0, oldestAge: 0) }
        guard let info = groups.map(Self.fields).first(where: { $0["name"] == group }) else {
            let all = try await redis.pipeline([RedisCommand("XLEN", stream), RedisCommand("XRANGE", stream, "-", "+", "COUNT", 1)])
            let first = Self.entries(all[1]).first?.id.split(separator: "-").first.flatMap { Double($0) }
            return Stats(depth: all[0].int ?? 0, oldestAge: first.map { max(0, now.timeIntervalSince1970 - $0 / 1000) } ?? 0)
        }
        let pendingSummary = replies[1].array ?? []
        let pending = pendingSummary.first?.int ?? 0
        var oldest: [String] = []
        if pending > 0, pendingSummary.count > 1, let id = pendingSummary[1].string { oldest.append(id) }
        // Entries after the last one delivered are unread. Redis's lag is unset after deletions, and after a restart from
        // the AOF it can be far off (Redis 7.0 does not restore the group's read counter: 13,717 in a chaos run whose
        // group had read every entry). So up to `exactLag` unread entries are counted here; only beyond that is
        // Redis's figure taken.
        var lag = 0
        if let last = info["last-delivered-id"] {
            let unread = Self.entries(try await redis.send("XRANGE", stream, "(" + last, "+", "COUNT", Self.exactLag))
            if let first = unread.first { oldest.append(first.id) }
            lag = unread.count < Self.exactLag ? unread.count : max(unread.count, info["lag"].flatMap(Int.init) ?? 0)
        }
        let ms = oldest.compactMap { $0.split(separator: "-").first.flatMap { Double($0) } }.min()
        let age = ms.map { max(0, now.timeIntervalSince1970 - $0 / 1000) } ?? 0
        return Stats(depth: pending + lag, oldestAge: age)
    }

    /// Unread entries counted one by one before Redis's own lag is trusted.
    static let exactLag = 100

    /// An XINFO reply's field list, integers included (which `hash` leaves out).
    static func fields(_ value: RedisValue) -> [String: String] {
        let items = value.array ?? []
        var result: [String: String] = [:]
        var i = 0
        while i + 1 < items.count {
            if let k = items[i].string, let v = items[i + 1].string ?? items[i + 1].int.map(String.init) { result[k] = v }
            i += 2
        }
        return result
    }
}
