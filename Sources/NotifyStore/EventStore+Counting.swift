import NotifyCore
import Redis

extension EventStore {
    /// One notification's status move, to count on its event.
    public struct CountedMove: Sendable {
        public let notificationId: String
        public let eventId: String
        public let from: NotificationStatus
        public let to: NotificationStatus

        public init(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus) {
            self.notificationId = notificationId
            self.eventId = eventId
            self.from = from
            self.to = to
        }
    }

    /// Counts one notification's status move on its event, then clears the move from the record's `uncounted` list.
    /// The record and the event are two units (two hash tags), so this cannot be one script: a process stopped in
    /// between leaves the move listed, and ``repairCounts(_:eventId:fields:)`` counts it when the record is next seen.
    /// `then`: writes that go in the same round trip, after the settling (a receipt's watch removal, a queue entry's ack).
    public func countMove(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus,
                          then: [RedisCommand] = []) async throws {
        try await countMoves([CountedMove(notificationId, eventId: eventId, from: from, to: to)], then: then)
    }

    /// ``countMove(_:eventId:from:to:then:)`` for many moves in one round trip: the counts of each event added up
    /// (one HINCRBY per event and status), then every record's settling, then `then`.
    public func countMoves(_ moves: [CountedMove], then: [RedisCommand] = []) async throws {
        var deltas: [String: [(from: NotificationStatus?, to: NotificationStatus)]] = [:]
        var settles: [(keys: [String], args: [any RedisArgument])] = []
        for m in moves {
            let move = (from: Self.counted(m.from), to: Self.counted(m.to))
            guard move.from != move.to else { continue }
            deltas[m.eventId, default: []].append((move.from, move.to))
            settles.append(([Keys.notification(m.notificationId)], ["\(move.from.rawValue)>\(move.to.rawValue)"]))
        }
        let counts = deltas.keys.sorted().flatMap { countCommands($0, moves: deltas[$0] ?? []) }
        try await countAndSettle(counts, settles: settles, then: then)
    }

    /// Counts the moves a stopped process left in the record's `uncounted` field; returns how many it counted.
    @discardableResult
    public func repairCounts(_ notificationId: String, eventId: String, fields: [String: String]) async throws -> Int {
        let listed = (fields["uncounted"] ?? "").split(separator: ",").map(String.init)
        let moves = listed.compactMap { token -> (from: NotificationStatus?, to: NotificationStatus)? in
            let parts = token.split(separator: ">").map(String.init)
            guard parts.count == 2, let from = NotificationStatus(rawValue: parts[0]), let to = NotificationStatus(rawValue: parts[1]) else { return nil }
            return (from, to)
        }
        guard !moves.isEmpty else { return 0 }
        try await countAndSettle(countCommands(eventId, moves: moves), settles: [([Keys.notification(notificationId)], listed.map { $0 as any RedisArgument })])
        return moves.count
    }

    /// The counts, then the settling, then `then`, in one round trip; on a cluster, where the events and the
    /// notifications live on different nodes, each stage waits for the replies of the one before.
    private func countAndSettle(_ counts: [RedisCommand], settles: [(keys: [String], args: [any RedisArgument])],
                                then: [RedisCommand] = []) async throws {
        let settling = settles.map { RedisCommand("EVALSHA", [NotificationScripts.settleCount.sha1, $0.keys.count] + $0.keys.map { $0 as any RedisArgument } + $0.args) }
        let replies = try await redis.pipeline(stages: [counts, settling, then])
        try Self.check(replies[0])
        for (settle, reply) in zip(settles, replies[1]) {
            guard case .error(let message) = reply else { continue }
            guard message.hasPrefix("NOSCRIPT") else { throw StoreError.unexpected("settle count", reply) }
            _ = try await redis.evalsha(NotificationScripts.settleCount, keys: settle.keys, args: settle.args)
        }
        try Self.check(replies[2])
    }

    private static func check(_ replies: [RedisValue]) throws {
        if let failed = replies.first(where: { if case .error = $0 { true } else { false } }) { throw StoreError.unexpected("write after a count", failed) }
    }

    /// The status an event's counts show for a notification: a send in progress still counts as queued.
    static func counted(_ status: NotificationStatus) -> NotificationStatus { status == .sending ? .queued : status }
}
