import NotifyCore
import Redis

extension EventStore {
    /// Counts one notification's status move on its event, then clears the move from the record's `uncounted` list.
    /// The record and the event are two units (two hash tags), so this cannot be one script: a process stopped in
    /// between leaves the move listed, and ``repairCounts(_:eventId:fields:)`` counts it when the record is next seen.
    public func countMove(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus) async throws {
        let move = (from: Self.counted(from), to: Self.counted(to))
        guard move.from != move.to else { return }
        try await count(eventId, moves: [(from: move.from, to: move.to)])
        _ = try await redis.evalsha(NotificationScripts.settleCount, keys: [Keys.notification(notificationId)],
                                    args: ["\(move.from.rawValue)>\(move.to.rawValue)"])
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
        try await count(eventId, moves: moves)
        _ = try await redis.evalsha(NotificationScripts.settleCount, keys: [Keys.notification(notificationId)],
                                    args: listed.map { $0 as any RedisArgument })
        return moves.count
    }

    /// The status an event's counts show for a notification: a send in progress still counts as queued.
    static func counted(_ status: NotificationStatus) -> NotificationStatus { status == .sending ? .queued : status }
}
