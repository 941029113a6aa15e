import Foundation
import NotifyCore
import NotifyStore
import Redis
import Testing

/// Where a notification's timeline lives: in its record, the first line as its creation and each move as a field, so a
/// notification is one key; records from before keep their list and read the same.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct TimelineStorageTests {
    @Test func theTimelineLivesInTheRecord() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        #expect(try await kit.notifications.load(n.id)?.timeline.map(\.status) == [.queued])

        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        _ = try await kit.notifications.move(n.id, to: .sent, detail: "accepted")
        #expect(try await kit.notifications.reassign(n.id, expected: .sent, fields: [:], detail: "sent again") == false)
        // One key for the whole life, lines counted in the record.
        #expect(try await env.redis.send("EXISTS", Keys.timeline(n.id)).int == 0)
        #expect(try await env.redis.send("HGET", Keys.notification(n.id), "lines").string == "2")
        // Each line in its compact form: seconds, status, detail.
        let line = try #require(try await env.redis.send("HGET", Keys.notification(n.id), "l2").string)
        #expect(line.hasSuffix(" sent accepted") && line.split(separator: " ").first.flatMap { Int($0) } != nil, "\(line)")
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.timeline.map(\.status) == [.queued, .sending, .sent])
        #expect(loaded.timeline.map(\.detail) == ["queued", "sending", "accepted"])
        // Created again (a redelivered fan-out batch): nothing is added.
        let again = try await kit.notifications.create([loaded.notification]) { _ in "queued" }
        #expect(again.map(\.created) == [false] && again.map(\.status) == [.sent] && again.map(\.initial) == [.queued])
        #expect(try await kit.notifications.load(n.id)?.timeline.count == 3)
    }

    @Test func aFallbackAddsItsLineToTheRecord() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        #expect(try await kit.notifications.reassign(n.id, expected: .queued, fields: ["channel": "email"], detail: "falling back to email"))
        #expect(try await env.redis.send("EXISTS", Keys.timeline(n.id)).int == 0)
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.timeline.map(\.detail) == ["queued", "falling back to email"])
        #expect(loaded.notification.channel == .email)
    }

    /// A record made after the first line moved into the record and before the rest did: `detail0`, no `lines`, and its
    /// later lines in a list that its first move makes with the record's expiry.
    @Test func aRecordFromBeforeTheLinesMovedKeepsItsList() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        _ = try await env.redis.send("HDEL", Keys.notification(n.id), "lines")
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        let recordTTL = try await env.redis.send("PTTL", Keys.notification(n.id)).int ?? 0
        let listTTL = try await env.redis.send("PTTL", Keys.timeline(n.id)).int ?? 0
        #expect(recordTTL > 0 && listTTL > 0 && abs(recordTTL - listTTL) < 2000, "record \(recordTTL) ms, list \(listTTL) ms")
        #expect(try await kit.notifications.reassign(n.id, expected: .sending, fields: [:], detail: "send interrupted"))
        #expect(try await env.redis.send("LLEN", Keys.timeline(n.id)).int == 2)
        #expect(try await env.redis.send("HEXISTS", Keys.notification(n.id), "l1").int == 0)
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.timeline.map(\.detail) == ["queued", "sending", "send interrupted"])
    }

    @Test func aRecordWhoseFirstLineIsInItsListReadsTheSameAndKeepsItsExpiry() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        // The first layout: no `detail0` or `lines`, the first line in the list, both expiring.
        let first = try Self.jsonLine(TimelineEntry(at: Date(), status: .queued, detail: "queued (before)"))
        _ = try await env.redis.pipeline([
            RedisCommand("HDEL", Keys.notification(n.id), "detail0", "lines"), RedisCommand("RPUSH", Keys.timeline(n.id), first),
            RedisCommand("EXPIRE", Keys.timeline(n.id), 600),
        ])
        _ = try await kit.notifications.move(n.id, to: .sending, detail: "sending")
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.timeline.map(\.status) == [.queued, .sending])
        #expect(loaded.timeline.first?.detail == "queued (before)")
        let listTTL = try await env.redis.send("TTL", Keys.timeline(n.id)).int ?? 0
        #expect(listTTL > 590 && listTTL <= 600)
    }

    /// Lines written before the compact form, JSON objects in the record's fields, read as they did.
    @Test func jsonLinesWrittenBeforeStillRead() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = DeliveryKit(env: env)
        let n = try await kit.queued(try await kit.resident(), channel: .sms)
        let at = Date(timeIntervalSince1970: 1_796_000_000)
        let old = try Self.jsonLine(TimelineEntry(at: at, status: .sending, detail: "sending \"quoted\" إرسال"))
        _ = try await env.redis.send("HSET", Keys.notification(n.id), "status", "sending", "l1", old, "lines", "1")
        _ = try await kit.notifications.move(n.id, to: .sent, detail: "accepted by gw (m-1)")
        let loaded = try #require(try await kit.notifications.load(n.id))
        #expect(loaded.timeline.map(\.status) == [.queued, .sending, .sent])
        #expect(loaded.timeline[1] == TimelineEntry(at: at, status: .sending, detail: "sending \"quoted\" إرسال"))
        #expect(loaded.timeline[2].detail == "accepted by gw (m-1)")
    }

    /// A line as JSONEncoder wrote them before the compact form.
    static func jsonLine(_ entry: TimelineEntry) throws -> String {
        let encoder = JSONEncoder()
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(entry), as: UTF8.self)
    }
}
