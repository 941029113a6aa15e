import Foundation
import NotifyCore
import Redis

/// Erases a resident's data: contact, devices, subscriptions and pending codes go; the consent
/// ledger keeps a line saying so; notifications still waiting to be sent are suppressed.
public struct ResidentEraser: Sendable {
    let redis: RedisClient
    let notifications: NotificationStore

    public init(redis: RedisClient) {
        self.redis = redis
        self.notifications = NotificationStore(redis: redis)
    }

    /// Returns how many waiting notifications were suppressed.
    @discardableResult
    public func erase(_ cpr: CPR, now: Date = Date()) async throws -> Int {
        var commands = [RedisCommand("DEL", Keys.contact(cpr), Keys.subscriptions(cpr), Keys.devices(cpr),
                                     Keys.verification(cpr, .sms), Keys.verification(cpr, .email)),
                        // The tombstone lets fan-out say "erased" rather than "unknown resident"; it holds no personal data.
                        RedisCommand("HSET", Keys.contact(cpr), "erasedAt", Int(now.timeIntervalSince1970))]
        let entry = ConsentEntry(at: now, category: "*", channel: nil, granted: false, source: .erasure)
        if let append = try ConsentLedger.appendCommand(cpr, [entry]) { commands.append(append) }
        _ = try await redis.transaction(commands)
        try await TopicStore(redis: redis).leaveAll(cpr)

        var suppressed = 0
        let ids = (try await redis.send("ZRANGE", Keys.residentNotifications(cpr), 0, -1).array ?? []).compactMap(\.string)
        for id in ids {
            let t = try await notifications.transition(id, to: .suppressed, detail: "resident erased their data", now: now)
            if case .moved(let from) = t.move {
                suppressed += 1
                try await EventStore(redis: redis).countMove(id, eventId: t.eventId, from: from, to: .suppressed, mark: t.countMark)
            }
        }
        // The index lists what was sent to the resident; it goes with the rest of their data.
        _ = try await redis.send("DEL", Keys.residentNotifications(cpr))
        return suppressed
    }
}
