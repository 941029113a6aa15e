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

    /// One outcome to record: delivered, failed or expired, for notification `id`.
    public struct Report: Sendable {
        public let id: String
        public let status: NotificationStatus
        public let detail: String

        public init(_ id: String, _ status: NotificationStatus, detail: String) {
            self.id = id
            self.status = status
            self.detail = detail
        }
    }

    /// Records `status` (delivered, failed or expired) for notification `id`.
    @discardableResult
    public func record(_ id: String, _ status: NotificationStatus, detail: String, now: Date = Date()) async throws -> Result {
        try await record([Report(id, status, detail: detail)], now: now)[0]
    }

    /// Records many outcomes, one result each in the order given. The moves come first, all in one round trip: on the
    /// common path they are all a record has to say (the script returns the event id), so nothing is read before them.
    /// The counts, settlings and watch removals of the moved then go in one more; anything else goes one by one.
    /// A notification named twice goes in a later round, as if its second report came after the first was recorded.
    public func record(_ reports: [Report], now: Date = Date()) async throws -> [Result] {
        try await record(reports, now: now, journaled: false)
    }

    /// ``record(_:now:)`` for providers' receipts: each is kept in the watch until its move is counted, so one cut off
    /// between the two, that its provider does not send again, is finished by the expiry sweep a minute later
    /// (``ReceiptWatch/journalGrace``) rather than left uncounted.
    public func recordReceipts(_ reports: [Report], now: Date = Date()) async throws -> [Result] {
        try await record(reports, now: now, journaled: true)
    }

    private func record(_ reports: [Report], now: Date, journaled: Bool) async throws -> [Result] {
        var seen = Set<String>()
        let (first, later) = reports.indices.reduce(into: ([Int](), [Int]())) { split, i in
            if seen.insert(reports[i].id).inserted { split.0.append(i) } else { split.1.append(i) }
        }
        guard !later.isEmpty else { return try await recordDistinct(reports, now: now, journaled: journaled) }
        var results = [Result](repeating: .unknown, count: reports.count)
        for (i, result) in zip(first, try await recordDistinct(first.map { reports[$0] }, now: now, journaled: journaled)) { results[i] = result }
        for (i, result) in zip(later, try await record(later.map { reports[$0] }, now: now, journaled: journaled)) { results[i] = result }
        return results
    }

    /// ``record(_:now:)`` for reports that each name a different notification: their moves cannot meet in one pipeline.
    /// `journaled`: the reports go into the watch (one member) in the same round trip, before their moves.
    private func recordDistinct(_ reports: [Report], now: Date, journaled: Bool) async throws -> [Result] {
        var results = [Result](repeating: .unknown, count: reports.count)
        let known = reports.indices.filter { Digest.isID(reports[$0].id, prefix: "ntf_") }
        let commands = known.map { i in
            notifications.transitionCommand(reports[i].id, to: reports[i].status, detail: reports[i].detail,
                                            fields: reports[i].status == .failed ? [DeadLetterStore.marker: "due"] : [:], now: now,
                                            holdingReceipt: reports[i].status != .expired)
        }
        let member = journaled && !known.isEmpty ? ReceiptWatch.journalMember(known.map { reports[$0] }) : nil
        let journal = member.map { ReceiptWatch.journalCommand(member: $0, now: now) }
        let staged = try await redis.pipeline(stages: [journal.map { [$0] } ?? [], commands])
        try StoreError.check(staged[0], "receipt journal")
        let replies = staged[1]
        var moved: [(index: Int, move: EventStore.CountedMove)] = []
        for (k, i) in known.enumerated() {
            let r = reports[i]
            let t = try await notifications.interpret(replies[k], command: commands[k], id: r.id, to: r.status, detail: r.detail, now: now)
            switch t.move {
            case .missing: results[i] = .unknown
            // Before the worker recorded `sent`: kept on the record, which that move returns.
            case .refused where t.receiptHeld:
                results[i] = .held
            case .refused(let current):
                // A provider's retry of a receipt whose recording was cut off finishes what was left.
                if let (n, fields) = try await notifications.loadRecord(r.id) { try await completeInterrupted(n, fields: fields) }
                results[i] = .ignored(current: current)
            case .moved(let from):
                moved.append((i, EventStore.CountedMove(r.id, eventId: t.eventId, from: from, to: r.status, mark: t.countMark)))
                results[i] = .applied(from: from)
            }
        }
        // The kept receipts go once counted, or once the failures' dead letters are written too.
        let lettered = moved.map(\.index).filter { reports[$0].status == .failed }
        let kept = member.map { [$0] } ?? []
        try await events.countMoves(moved.map(\.move), then: ReceiptWatch.settleCommands(moved.map(\.move.notificationId) + (lettered.isEmpty ? kept : [])))
        for i in lettered {
            let r = reports[i]
            if let (n, timeline, _) = try await notifications.load(r.id) {
                try await deadLetters.add(DeadLetter(notificationId: r.id, channel: n.channel, eventId: n.eventId, eventType: n.eventType,
                                                     entity: n.entity, attempts: n.attempts, lastError: r.detail, failedAt: now, history: timeline))
            }
        }
        if !lettered.isEmpty && !kept.isEmpty { try await watch.settle(kept) }
        return results
    }

    /// Finishes what a process stopped between two units (record and event, record and dead-letter stream) left
    /// undone: a status move not yet counted on its event, a failure without its dead letter, a receipt held while the
    /// send was recorded but not applied once it was `sent`. Costs nothing when the record carries none of these.
    /// Returns whether it wrote a dead letter.
    @discardableResult
    public func completeInterrupted(_ n: NotificationRecord, fields: [String: String]) async throws -> Bool {
        try await events.repairCounts(n.id, eventId: n.eventId, fields: fields)
        if n.status == .sent, let held = fields["pendingReceipt"] { try await applyHeld(n.id, receipt: held) }
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
