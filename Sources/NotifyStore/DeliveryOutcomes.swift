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

    /// Records `status` (delivered, failed or expired) for notification `id`. The move comes first: on the common path
    /// it is all the record has to say (its script returns the event id), so nothing is read before it.
    @discardableResult
    public func record(_ id: String, _ status: NotificationStatus, detail: String, now: Date = Date()) async throws -> Result {
        guard Digest.isID(id, prefix: "ntf_") else { return .unknown }
        let t = try await notifications.transition(id, to: status, detail: detail,
                                                   fields: status == .failed ? [DeadLetterStore.marker: "due"] : [:], now: now)
        switch t.move {
        case .missing: return .unknown
        case .refused(let current) where status != .expired && (current == .sending || current == .queued):
            _ = try await redis.send("HSET", Keys.notification(id), "pendingReceipt", "\(status.rawValue) \(detail)")
            return .held
        case .refused(let current):
            // A provider's retry of a receipt whose recording was cut off finishes what was left.
            if let (n, fields) = try await notifications.loadRecord(id) { try await completeInterrupted(n, fields: fields) }
            return .ignored(current: current)
        case .moved(let from):
            try await events.countMove(id, eventId: t.eventId, from: from, to: status, then: [ReceiptWatch.settleCommand(id)])
            if status == .failed, let (n, timeline, _) = try await notifications.load(id) {
                try await deadLetters.add(DeadLetter(notificationId: id, channel: n.channel, eventId: n.eventId, eventType: n.eventType,
                                                     entity: n.entity, attempts: n.attempts, lastError: detail, failedAt: now, history: timeline))
            }
            return .applied(from: from)
        }
    }

    /// Finishes what a process stopped between two units (record and event, record and dead-letter stream) left
    /// undone: a status move not yet counted on its event, a failure without its dead letter. Costs nothing when
    /// the record carries neither mark. Returns whether it wrote a dead letter.
    @discardableResult
    public func completeInterrupted(_ n: NotificationRecord, fields: [String: String]) async throws -> Bool {
        try await events.repairCounts(n.id, eventId: n.eventId, fields: fields)
        return try await deadLetters.addIfDue(n, fields: fields)
    }

    /// Applies a receipt kept as `"<status> <detail>"` while the send was still being recorded (the move to `sent`
    /// returns it); call once the notification is `sent`.
    @discardableResult
    public func applyHeld(_ id: String, receipt: String) async throws -> Result {
        let parts = receipt.split(separator: " ", maxSplits: 1).map(String.init)
        guard let first = parts.first, let status = NotificationStatus(rawValue: first) else { return .unknown }
        return try await record(id, status, detail: parts.count > 1 ? parts[1] : status.rawValue)
    }
}
