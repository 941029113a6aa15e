import Foundation
import NotifyCore
import NotifyStore
import Redis
import Testing

/// A notification's text is kept once under its event and named by its record, which reads as if it held it.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct EventMessagesTests {
    static let email = RenderedMessage(subject: "Road closure", body: "Avenue 12 is closed today.", html: "<p>Avenue 12 is <b>closed</b> today.</p>")

    func record(_ eventId: String, _ cpr: String, _ message: RenderedMessage?, channel: Channel = .email) throws -> NotificationRecord {
        let c = try CPR(cpr)
        return NotificationRecord(id: Digest.notificationID(eventId: eventId, cpr: c), eventId: eventId, eventType: "traffic.fine-issued",
                                  entity: "traffic", cpr: c, channel: channel, status: .queued, language: .en, message: message, createdAt: Date())
    }

    @Test func aRecordNamesItsTextKeptOnceUnderItsEvent() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let store = NotificationStore(redis: env.redis)
        let event = Digest.randomID(prefix: "evt_")
        let changed = RenderedMessage(subject: "Road closure", body: "Avenue 12 is closed until Friday.", html: nil)
        let records = [try record(event, "880101234", Self.email), try record(event, "880101235", Self.email),
                       try record(event, "880101236", changed), try record(event, "880101237", RenderedMessage(body: "Closed."), channel: .sms)]
        _ = try await store.create(records) { _ in "queued" }

        // The records name their texts and hold none; two renderings for one language and channel get two names.
        var names: [String] = []
        for r in records {
            let fields = try await env.redis.send("HGETALL", Keys.notification(r.id)).array?.compactMap(\.string) ?? []
            #expect(!fields.contains("body") && !fields.contains("subject") && !fields.contains("html"), "\(fields)")
            names.append(try #require(try await env.redis.send("HGET", Keys.notification(r.id), "msg").string))
        }
        #expect(names[0] == names[1] && names[0] != names[2] && names[3].hasPrefix("en:sms:"), "\(names)")
        // Three texts under the event (the email with subject, body and HTML; the second without HTML; the SMS body).
        #expect(try await env.redis.send("HLEN", Keys.eventMessages(event)).int == 3 + 2 + 1)
        let recordTTL = try await env.redis.send("TTL", Keys.notification(records[0].id)).int ?? 0
        let textTTL = try await env.redis.send("TTL", Keys.eventMessages(event)).int ?? 0
        #expect(recordTTL > 0 && textTTL > recordTTL, "record \(recordTTL) s, texts \(textTTL) s")

        // Every way of reading a record gives its text back.
        #expect(try await store.load(records[0].id)?.notification.message == Self.email)
        #expect(try await store.loadRecord(records[2].id)?.notification.message == changed)
        let all = try await store.loadRecords(records.map(\.id) + ["ntf_missing"])
        #expect(all.map { $0?.notification.message } == records.map(\.message) + [nil])
    }

    @Test func aRecordThatHoldsItsTextReadsThatOne() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let store = NotificationStore(redis: env.redis)
        let r = try record(Digest.randomID(prefix: "evt_"), "880101234", Self.email)
        _ = try await store.create([r]) { _ in "queued" }
        // As a fallback or replay writes it, or a record made before texts moved to the event: the record's own text wins.
        _ = try await env.redis.send("HSET", Keys.notification(r.id), "body", "Sent by SMS instead.", "subject", "", "html", "")
        #expect(try await store.loadRecord(r.id)?.notification.message == RenderedMessage(body: "Sent by SMS instead."))
        _ = try await env.redis.send("HDEL", Keys.notification(r.id), "msg")
        #expect(try await store.load(r.id)?.notification.message == RenderedMessage(body: "Sent by SMS instead."))
    }

    @Test func aRecordWhoseTextIsGoneIsNotReadWithoutIt() async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let store = NotificationStore(redis: env.redis)
        let event = Digest.randomID(prefix: "evt_")
        let r = try record(event, "880101234", RenderedMessage(body: "Never read before its text went."), channel: .sms)
        _ = try await store.create([r]) { _ in "queued" }
        _ = try await env.redis.send("DEL", Keys.eventMessages(event))
        // Never sent with an empty text: unreadable, as a record with fields missing is.
        await #expect(throws: StoreError.self) { _ = try await store.loadRecord(r.id) }
        await #expect(throws: StoreError.self) { _ = try await store.load(r.id) }
        #expect(try await store.loadRecords([r.id]).map { $0 == nil } == [true])
    }
}
