import Foundation
import NotifyCore
@testable import NotifyStore
import NotifyTestSupport
import Redis
import Testing

/// A move's count (the event) and the removal of its mark (the record) are two units: separate round trips on a Redis
/// Cluster, and on one server a pipeline Redis may apply, and write to its append-only file, in pieces. A process or a
/// Redis stopped between them leaves the mark; the repair must not count the move a second time.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CountOnceTests {
    static func counts(_ redis: RedisClient, _ eventId: String) async throws -> [String: Int] {
        try await redis.send("HGETALL", Keys.event(eventId)).hash.compactMapValues(Int.init).filter { $0.value != 0 }
    }

    @Test func onAClusterAMoveCountedBeforeItsMarkWentIsNotCountedAgain() async throws {
        let cluster = try await OffPool.run { try RedisCluster.start() }
        defer { cluster.stop() }
        let redis = RedisClient(configuration: try RedisConfiguration(url: cluster.url), poolSize: 2)
        defer { redis.close() }
        #expect(redis.isCluster)
        try await Self.countedBeforeItsMarkWent(redis)
    }

    @Test func onOneServerAMoveCountedBeforeItsMarkWentIsNotCountedAgain() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        #expect(!env.redis.isCluster)
        try await Self.countedBeforeItsMarkWent(env.redis)
    }

    /// A move counted, then its process (or Redis) stopped before the mark went: the repair counts nothing more.
    static func countedBeforeItsMarkWent(_ redis: RedisClient) async throws {
        let eventId = Digest.randomID(prefix: "evt_"), id = Digest.randomID(prefix: "ntf_")
        _ = try await redis.send("HSET", Keys.event(eventId), "count:queued", 1)
        _ = try await redis.send("HSET", Keys.notification(id), "status", "queued", "lines", "0", "eventId", eventId)
        let notifications = NotificationStore(redis: redis), events = EventStore(redis: redis)
        _ = try await notifications.transition(id, to: .sending, detail: "sending")
        let sent = try await notifications.transition(id, to: .sent, detail: "accepted")
        let mark = try #require(sent.countMark)

        // Stopped after the count, before the mark went.
        let tally = events.tallyCommands(eventId, moves: [(.queued, .sent, events.countingEntry(id, mark: mark))])
        #expect(tally.counts.count == 1 && tally.clear.count == 1)
        _ = try await redis.evalshaPipeline(EventScripts.countOnce, commands: tally.counts)
        #expect(try await Self.counts(redis, eventId) == ["count:sent": 1])

        // The repair finds the mark, counts nothing more, and the mark and the entry both go.
        let fields = try await redis.send("HGETALL", Keys.notification(id)).hash
        #expect(EventStore.hasUncountedMoves(fields))
        try await events.repairCounts(id, eventId: eventId, fields: fields)
        #expect(try await Self.counts(redis, eventId) == ["count:sent": 1])
        #expect(!EventStore.hasUncountedMoves(try await redis.send("HGETALL", Keys.notification(id)).hash))
        #expect(try await redis.send("EXISTS", Keys.eventCounting(eventId)).int == 0)

        // The next move counts as usual and leaves nothing behind.
        let delivered = try await notifications.transition(id, to: .delivered, detail: "delivered")
        try await events.countMove(id, eventId: eventId, from: .sent, to: .delivered, mark: delivered.countMark)
        #expect(try await Self.counts(redis, eventId) == ["count:delivered": 1])
        #expect(try await redis.send("EXISTS", Keys.eventCounting(eventId)).int == 0)
        #expect(!EventStore.hasUncountedMoves(try await redis.send("HGETALL", Keys.notification(id)).hash))
    }

    @Test func aMoveWithoutAMarkStaysAPlainCount() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let events = EventStore(redis: env.redis)
        #expect(events.countingEntry("ntf_1", mark: nil) == nil)
        #expect(events.countingEntry("ntf_1", mark: "u2") == "ntf_1 u2")
        let tally = events.tallyCommands("evt_1", moves: [(.queued, .sent, nil)])
        #expect(tally.clear.isEmpty && tally.counts.map(\.name) == ["HINCRBY", "HINCRBY"])
    }
}
