import NotifyCore
import Redis

extension EventStore {
    /// Counts one notification's status move on its event, then clears the move from the record's `uncounted` list.
    /// The record and the event are two units (two hash tags), so this cannot be one script: a process stopped in
    /// between leaves the move listed, and ``repairCounts(_:eventId:fields:)`` counts it when the record is next seen.
    /// `then`: writes that go in the same round trip, after the settling (a receipt's watch removal, a queue entry's ack).
    public func countMove(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus,
                          then: [RedisCommand] = []) async throws {
        let move = (from: Self.counted(from), to: Self.counted(to))
        guard move.from != move.to else {
            if !then.isEmpty { try Self.check(try await redis.orderedPipeline(then)) }
            return
        }
        try await countAndSettle(notificationId, eventId: eventId, moves: [move], listed: ["\(move.from.rawValue)>\(move.to.rawValue)"], then: then)
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
        try await countAndSettle(notificationId, eventId: eventId, moves: moves, listed: listed)
        return moves.count
    }

    /// The counts, then the settling, in one round trip: the pipeline keeps their order (on a cluster, where the event
    /// and the notification live on different nodes, the settling waits for the counts' replies).
    private func countAndSettle(_ notificationId: String, eventId: String, moves: [(from: NotificationStatus?, to: NotificationStatus)],
                                listed: [String], then: [RedisCommand] = []) async throws {
        let settle = (keys: [Keys.notification(notificationId)], args: listed.map { $0 as any RedisArgument })
        var commands = countCommands(eventId, moves: moves)
        let settling = commands.count
        commands.append(RedisCommand("EVALSHA", [NotificationScripts.settleCount.sha1, 1] + settle.keys.map { $0 as any RedisArgument } + settle.args))
        commands += then
        let replies = try await redis.orderedPipeline(commands)
        if case .error(let message) = replies[settling] {
            guard message.hasPrefix("NOSCRIPT") else { throw StoreError.unexpected("settle count", replies[settling]) }
            _ = try await redis.evalsha(NotificationScripts.settleCount, keys: settle.keys, args: settle.args)
        }
        try Self.check(Array(replies[(settling + 1)...]))
    }

    private static func check(_ replies: [RedisValue]) throws {
        if let failed = replies.first(where: { if case .error = $0 { true } else { false } }) { throw StoreError.unexpected("write after a count", failed) }
    }

    /// The status an event's counts show for a notification: a send in progress still counts as queued.
    static func counted(_ status: NotificationStatus) -> NotificationStatus { status == .sending ? .queued : status }
}
