import Foundation
import NotifyCore
import Redis

/// Staff's view of dead letters: the channels' dead-letter streams merged newest first, filtered, in pages.
public struct FailureQuery: Sendable {
    /// One dead letter and what became of its notification since.
    public struct Item: Sendable, Equatable {
        /// `<channel>:<stream entry id>`, unique across channels.
        public let id: String
        public let letter: DeadLetter
        /// The notification's status now, or nil once its record is past retention.
        public let status: NotificationStatus?
    }

    let redis: RedisClient

    public init(redis: RedisClient) { self.redis = redis }

    /// Up to `limit` items after `cursor`, scanning at most `budget` entries; `next` resumes where this page stopped.
    public func page(_ filter: FailureFilter, cursor: String? = nil, limit: Int = 50, budget: Int = 5000,
                     statuses wanted: Bool = true) async throws -> (items: [Item], next: String?) {
        let channels = filter.channel.map { [$0] } ?? Channel.allCases
        let position = try cursor.map(FailureCursor.init(parsing:))
        var streams = channels.map { channel in
            MergedStream(channel: channel, end: Self.end(for: channel, after: position, until: filter.until))
        }
        let start = filter.since.map(Self.streamTime) ?? "-"
        let batch = min(max(limit, 100), 500)
        var found: [(id: String, letter: DeadLetter)] = []
        var scanned = 0
        var last: FailureCursor?
        while found.count < limit && scanned < budget {
            try await refill(&streams, start: start, count: batch)
            guard let k = MergedStream.newest(streams) else { break }
            let entry = streams[k].buffer.removeFirst()
            scanned += 1
            last = FailureCursor(entryId: entry.id, channel: streams[k].channel)
            if let letter = DeadLetterStore.decode(entry.fields), filter.matches(letter) {
                found.append(("\(letter.channel.rawValue):\(entry.id)", letter))
            }
        }
        let more = streams.contains { !$0.buffer.isEmpty || !$0.exhausted }
        let statuses = !wanted ? found.map { _ in RedisValue.null } : try await redis.pipeline(found.map { RedisCommand("HGET", Keys.notification($0.letter.notificationId), "status") })
        let items = zip(found, statuses).map { f, s in Item(id: f.id, letter: f.letter, status: s.string.flatMap(NotificationStatus.init(rawValue:))) }
        return (items, more ? last?.description : nil)
    }

    /// How many dead letters match `filter`.
    public func count(_ filter: FailureFilter) async throws -> Int {
        var total = 0
        var cursor: String?
        repeat {
            let page = try await page(filter, cursor: cursor, limit: 5000, budget: 5000, statuses: false)
            total += page.items.count
            cursor = page.next
        } while cursor != nil
        return total
    }

    /// The first entry id a page may return from `channel`'s stream (XREVRANGE's end argument).
    static func end(for channel: Channel, after position: FailureCursor?, until: Date?) -> String {
        if let position {
            // Ties between streams go in channel order: a later channel may still hold the cursor's own id.
            let order = Channel.allCases
            let later = (order.firstIndex(of: channel) ?? 0) > (order.firstIndex(of: position.channel) ?? 0)
            return later ? position.entryId : "(" + position.entryId
        }
        return until.map(Self.streamTime) ?? "+"
    }

    /// A time as the millisecond part of a stream id: a time before 1970 is 0, as no entry is older.
    static func streamTime(_ date: Date) -> String {
        String(UInt64(max(0, min(date.timeIntervalSince1970 * 1000, 1e15))))
    }

    private func refill(_ streams: inout [MergedStream], start: String, count: Int) async throws {
        let needy = streams.indices.filter { streams[$0].buffer.isEmpty && !streams[$0].exhausted }
        guard !needy.isEmpty else { return }
        let replies = try await redis.pipeline(needy.map { k in
            RedisCommand("XREVRANGE", [Keys.deadLetters(streams[k].channel.rawValue), streams[k].end, start, "COUNT", count])
        })
        for (k, reply) in zip(needy, replies) {
            if case .error(let message) = reply { throw StoreError.unexpected("XREVRANGE dead letters (\(message))", reply) }
            let entries = WorkQueue.entries(reply)
            streams[k].buffer = entries
            streams[k].exhausted = entries.count < count
            if let last = entries.last { streams[k].end = "(" + last.id }
        }
    }
}
