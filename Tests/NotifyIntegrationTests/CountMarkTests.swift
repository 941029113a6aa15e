import Foundation
import NotifyCore
import NotifyStore
import Redis
import Testing

/// A move the event's counts must follow is marked on its record until counted: `u<line>`, named after the move's
/// timeline line, so the count removes it with one HDEL; records made before keep the `uncounted` list.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct CountMarkTests {
    /// A record's fields as stored.
    static func fields(_ env: TestEnvironment, _ id: String) async throws -> [String: String] {
        try await NotificationStore(redis: env.redis).loadRecord(id)?.fields ?? [:]
    }

    @Test func aMovesMarkIsNamedAfterItsLineAndGoesOnceCounted() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let events = EventStore(redis: env.redis)
        // Sending counts as queued: no mark.
        #expect(try await kit.notifications.transition(n.id, to: .sending, detail: "sending").countMark == nil)
        let sent = try await kit.notifications.transition(n.id, to: .sent, detail: "accepted")
        #expect(sent.countMark == "u2")
        #expect(try await Self.fields(env, n.id)["u2"] == "queued>sent")
        #expect(EventStore.hasUncountedMoves(try await Self.fields(env, n.id)))
        try await events.countMove(n.id, eventId: n.eventId, from: .sending, to: .sent, mark: sent.countMark)
        #expect(!EventStore.hasUncountedMoves(try await Self.fields(env, n.id)))
        let counts = try #require(try await events.load(n.eventId)?.counts)
        #expect(counts[.queued] == 0 && counts[.sent] == 1, "\(counts)")
    }

    @Test func aCountThatDoesNotKnowTheMarkFindsIt() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let events = EventStore(redis: env.redis)
        _ = try await kit.notifications.move(n.id, to: .suppressed, detail: "resident erased")
        #expect(try await Self.fields(env, n.id)["u1"] == "queued>suppressed")
        try await events.countMove(n.id, eventId: n.eventId, from: .queued, to: .suppressed)
        #expect(!EventStore.hasUncountedMoves(try await Self.fields(env, n.id)))
        #expect(try await events.load(n.eventId)?.counts[.suppressed] == 1)
        // Counted again by mistake: the count goes up (that is the caller's to avoid) but no other mark is touched.
        _ = try await env.redis.send("HSET", Keys.notification(n.id), "u9", "sent>delivered")
        try await events.countMove(n.id, eventId: n.eventId, from: .queued, to: .suppressed)
        #expect(try await Self.fields(env, n.id)["u9"] == "sent>delivered")
    }

    @Test func aRecordFromBeforeKeepsItsUncountedList() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let events = EventStore(redis: env.redis)
        _ = try await env.redis.send("HDEL", Keys.notification(n.id), "lines")
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        let sent = try await kit.notifications.transition(n.id, to: .sent, detail: "accepted")
        #expect(sent.countMark == nil)
        #expect(try await Self.fields(env, n.id)["uncounted"] == "queued>sent")
        // Cut off before its count: the repair counts it from the list, once.
        #expect(try await events.repairCounts(n.id, eventId: n.eventId, fields: try await Self.fields(env, n.id)) == 1)
        #expect(try await events.repairCounts(n.id, eventId: n.eventId, fields: try await Self.fields(env, n.id)) == 0)
        #expect(!EventStore.hasUncountedMoves(try await Self.fields(env, n.id)))
        let counts = try #require(try await events.load(n.eventId)?.counts)
        #expect(counts[.queued] == 0 && counts[.sent] == 1, "\(counts)")
    }
}
