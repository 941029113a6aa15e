import Foundation
import NotifyCore
import Redis

extension NotificationStore {
    /// A status move with what the script read from the record on the way, so the caller needs no second read.
    public struct Transition: Sendable, Equatable {
        public let move: Move
        /// The event the notification belongs to (empty when the record is missing).
        public let eventId: String
        /// A receipt that came while the notification was still being sent (`"<status> <detail>"`), if one did.
        public let pendingReceipt: String?
        /// The field that marks the move as not yet counted on its event, for ``EventStore/countMove(_:eventId:from:to:mark:then:)``;
        /// nil when the move needs no count, or for a record made before marks were named (its count finds the move).
        public var countMark: String? = nil
        /// Refused because the send is not recorded yet, and the receipt kept on the record (a command made with
        /// `holdingReceipt`).
        public var receiptHeld = false
    }

    /// ``move(_:to:detail:countAttempt:returnAttempt:fields:now:)``, also returning the event id and any held receipt.
    public func transition(_ id: String, to status: NotificationStatus, detail: String, countAttempt: Bool = false, returnAttempt: Bool = false,
                           fields: [String: String] = [:], now: Date = Date()) async throws -> Transition {
        let command = transitionCommand(id, to: status, detail: detail, countAttempt: countAttempt, returnAttempt: returnAttempt, fields: fields, now: now)
        return try await transition(command, id: id, to: status, detail: detail, now: now)
    }

    /// Runs a command made by ``transitionCommand(_:to:detail:countAttempt:returnAttempt:fields:now:holdingReceipt:)`` with the same values.
    public func transition(_ command: RedisCommand, id: String, to status: NotificationStatus, detail: String, now: Date) async throws -> Transition {
        try await interpret(try await redis.evalsha(command, script: Self.script(of: command)), id: id, to: status, detail: detail, now: now)
    }

    /// The script a command made by ``transitionCommand(_:to:detail:countAttempt:returnAttempt:fields:now:holdingReceipt:)`` calls,
    /// to run it as EVAL when Redis does not have it.
    static func script(of command: RedisCommand) -> RedisScript {
        let holding = command.count > 1 && command.argument(1).elementsEqual(NotificationScripts.receiptTransition.sha1.utf8)
        return holding ? NotificationScripts.receiptTransition : NotificationScripts.transition
    }

    /// The move as one EVALSHA, to pipeline with the writes that must go before it; its reply goes to
    /// ``interpret(_:id:to:detail:now:)`` (a NOSCRIPT reply there runs it again as EVAL). `countAttempt` adds one to
    /// `attempts`; `returnAttempt` takes one off (a send that made no provider call after all).
    /// `holdingReceipt`: the move records a provider's receipt, which a record whose send is not recorded yet keeps instead.
    public func transitionCommand(_ id: String, to status: NotificationStatus, detail: String, countAttempt: Bool = false, returnAttempt: Bool = false,
                                  fields: [String: String] = [:], now: Date = Date(), holdingReceipt: Bool = false) -> RedisCommand {
        let allowed = Self.allowedBefore[status] ?? ""
        let script = holdingReceipt ? NotificationScripts.receiptTransition : NotificationScripts.transition
        var command = RedisCommand("EVALSHA", script.sha1, 2, Keys.notification(id), Keys.timeline(id), status.rawValue, allowed,
                                   Self.entry(TimelineEntry(at: now, status: status, detail: detail)), countAttempt ? 1 : returnAttempt ? -1 : 0)
        for (k, v) in fields.sorted(by: { $0.key < $1.key }) {
            command.append(k)
            command.append(v)
        }
        return command
    }

    /// For each status, the statuses a notification may move to it from, as the script's comma list (worked out once:
    /// every send makes several moves).
    static let allowedBefore: [NotificationStatus: String] = Dictionary(uniqueKeysWithValues: NotificationStatus.allCases.map { status in
        (status, NotificationStatus.allCases.filter { $0.canMove(to: status) }.map(\.rawValue).joined(separator: ","))
    })

    /// What a transition's reply says; a moved notification whose entity asked for status callbacks gets one queued.
    /// `command` is rerun as EVAL if the reply is NOSCRIPT.
    public func interpret(_ reply: RedisValue, command: RedisCommand? = nil, id: String, to status: NotificationStatus, detail: String,
                          now: Date) async throws -> Transition {
        var reply = reply
        if case .error(let message) = reply, message.hasPrefix("NOSCRIPT"), let command {
            reply = try await redis.evalsha(command, script: Self.script(of: command))
        }
        guard let r = reply.array, r.count >= 2, let code = r[0].int else { throw StoreError.unexpected("notification move", reply) }
        let previous = r[1].string.flatMap(NotificationStatus.init(rawValue:))
        let eventId = r.count > 3 ? r[3].string ?? "" : ""
        let held = r.count > 7 ? r[7].string.flatMap { $0.isEmpty ? nil : $0 } : nil
        switch (code, previous) {
        case (1, let p?):
            NotificationMetrics.count(channel: r.count > 6 ? r[6].string ?? "" : "", status: status)
            // The entity asked for status callbacks: queue this change; the callback worker posts it.
            if r.count >= 6, r[2].string == "1", let entity = r[5].string {
                let reference = r[4].string.flatMap { $0.isEmpty ? nil : $0 }
                try await CallbackQueue(redis: redis).add([CallbackPayload(notificationId: id, eventId: eventId, entity: entity, reference: reference,
                                                                           status: status, detail: detail, at: now)])
            }
            let mark = r.count > 8 ? r[8].string.flatMap { $0.isEmpty ? nil : $0 } : nil
            return Transition(move: .moved(from: p), eventId: eventId, pendingReceipt: held, countMark: mark)
        case (0, let p?): return Transition(move: .refused(current: p), eventId: eventId, pendingReceipt: held)
        case (2, let p?): return Transition(move: .refused(current: p), eventId: eventId, pendingReceipt: held, receiptHeld: true)
        default: return Transition(move: .missing, eventId: "", pendingReceipt: nil)
        }
    }
}

