import Foundation
import NotifyCore
import Redis

/// What happened after `sent`: a provider's receipt (delivered or failed) or the wait running out (expired).
/// The state machine decides: a late or repeated receipt that would move a notification backwards changes nothing.
public struct DeliveryOutcomes: Sendable {
    let redis: RedisClient
    let notifications: NotificationStore
    let events: EventStore
    let watch: ReceiptWatch
    let deadLetters: DeadLetterStore

    public init(redis: RedisClient) {
        self.redis = redis
        notifications = NotificationStore(redis: redis)
        events = EventStore(redis: redis)
        watch = ReceiptWatch(redis: redis)
        deadLetters = DeadLetterStore(redis: redis)
    }

    public enum Result: Sendable, Equatable {
        case applied(from: NotificationStatus)
        /// Not a forward move from the current status (a duplicate, or out of order).
        case ignored(current: NotificationStatus)
        /// Arrived before the worker recorded `sent`: kept on the record and applied when it does.
        case held
        case unknown
    }

    /// Records `status` (delivered, failed or expired) for notification `id`.
    @discardableResult
    public func record(_ id: String, _ status: NotificationStatus, detail: String, now: Date = Date()) async throws -> Result {
        guard let loaded = try await notifications.load(id) else { return .unknown }
        let n = loaded.notification
        switch try await notifications.move(id, to: status, detail: detail, fields: status == .failed ? [DeadLetterStore.marker: "due"] : [:], now: now) {
        case .missing: return .unknown
        case .refused(let current) where status != .expired && (current == .sending || current == .queued):
            _ = try await redis.send("HSET", Keys.notification(id), "pendingReceipt", "\(status.rawValue) \(detail)")
            return .held
        case .refused(let current):
            // A provider's retry of a receipt whose recording was cut off finishes what was left.
            try await completeInterrupted(n, timeline: loaded.timeline, fields: loaded.fields)
            return .ignored(current: current)
        case .moved(let from):
            try await events.countMove(id, eventId: n.eventId, from: from, to: status)
            try await watch.settle(id)
            if status == .failed {
                let history = try await notifications.load(id)?.timeline ?? []
                try await deadLetters.add(DeadLetter(notificationId: id, channel: n.channel, eventId: n.eventId, eventType: n.eventType,
                                                     entity: n.entity, attempts: n.attempts, lastError: detail, failedAt: now, history: history))
            }
            return .applied(from: from)
        }
    }

    /// Finishes what a process stopped between two units (record and event, record and dead-letter stream) left
    /// undone: a status move not yet counted on its event, a failure without its dead letter. Costs nothing when
    /// the record carries neither mark. Returns whether it wrote a dead letter.
    @discardableResult
    public func completeInterrupted(_ n: NotificationRecord, timeline: [TimelineEntry], fields: [String: String]) async throws -> Bool {
        try await events.repairCounts(n.id, eventId: n.eventId, fields: fields)
        return try await deadLetters.addIfDue(n, fields: fields, timeline: timeline)
    }

    /// Applies a receipt that came while the send was still being recorded; call once the notification is `sent`.
    public func applyHeld(_ id: String) async throws {
        guard let held = try await redis.send("HGET", Keys.notification(id), "pendingReceipt").string else { return }
        let parts = held.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = parts.first, let status = NotificationStatus(rawValue: first) else { return }
        _ = try await record(id, status, detail: parts.count > 1 ? parts[1] : status.rawValue)
    }
}
