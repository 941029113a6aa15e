import Foundation
import NotifyCore
import NotifyStore
import Redis

/// Dead-lettered notifications written straight to Redis, as channel workers leave them when they give up.
enum FailureKit {
    static let trafficData: [String: JSONValue] = [
        "amount": .string("50"), "date": .string("2026-11-20"), "plate": .string("12345"), "reference": .string("T-1"),
        "violation": .string("speeding"),
    ]

    /// One failed `traffic.fine-issued` SMS notification per resident of `range` (seeded by `Population`), with its dead letter.
    /// Returns the notification ids in resident order.
    @discardableResult
    static func seed(_ env: TestEnvironment, _ range: Range<Int>, channel: Channel = .sms, eventType: String = "traffic.fine-issued",
                     data: [String: JSONValue] = trafficData, failedAt: Date = Date()) async throws -> [String] {
        let cprs = range.map(Population.cpr)
        let event = Event(id: Digest.randomID(prefix: "evt_"), type: eventType, entity: "moi.traffic", recipients: cprs, data: data,
                          priority: .normal, createdAt: failedAt.addingTimeInterval(-60))
        try await EventStore(redis: env.redis).publish(event)
        let message = try env.deps.templates.render(eventType: eventType, language: .en, channel: channel, data: data)
        let records = cprs.map { cpr in
            NotificationRecord(id: Digest.notificationID(eventId: event.id, cpr: cpr), eventId: event.id, eventType: eventType, entity: event.entity,
                               cpr: cpr, channel: channel, status: .failed, attempts: 3, language: .en, message: message, createdAt: event.createdAt)
        }
        let store = NotificationStore(redis: env.redis)
        var start = 0
        while start < records.count {
            let chunk = Array(records[start..<min(start + 1000, records.count)])
            _ = try await store.create(chunk) { _ in "gave up after 3 attempts" }
            _ = try await env.redis.pipeline(chunk.map { n in
                // The entry id carries the failure time, as it does when a worker dead-letters at that moment.
                RedisCommand("XADD", [Keys.deadLetters(channel.rawValue), "\(Int(failedAt.timeIntervalSince1970 * 1000))-*", "notification", n.id, "channel", channel.rawValue,
                                      "eventId", n.eventId, "eventType", n.eventType, "entity", n.entity, "attempts", 3,
                                      "error", "gateway answered 503", "failedAt", Int(failedAt.timeIntervalSince1970 * 1000), "history", "[]"])
            })
            start += chunk.count
        }
        return records.map(\.id)
    }
}
