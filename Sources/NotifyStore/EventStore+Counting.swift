import NotifyCore
import Redis

extension EventStore {
    /// One notification's status move, to count on its event.
    public struct CountedMove: Sendable {
        public let notificationId: String
        public let eventId: String
        public let from: NotificationStatus
        public let to: NotificationStatus
        /// The move's mark on the record (``NotificationStore/Transition/countMark``), removed once counted; nil to find it.
        public let mark: String?

        public init(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus, mark: String? = nil) {
            self.notificationId = notificationId
            self.eventId = eventId
            self.from = from
            self.to = to
            self.mark = mark
        }
    }

    /// Counts one notification's status move on its event, then removes the move's mark from the record (`mark`, one
    /// HDEL; without it, a script finds the mark). The record and the event are two units (two hash tags), so this cannot
    /// be one script: a process stopped in between leaves the mark, and ``repairCounts(_:eventId:fields:)`` counts the
    /// move when the record is next seen. `then`: writes that go in the same round trip, after the settling (a receipt's
    /// watch removal, a queue entry's ack).
    public func countMove(_ notificationId: String, eventId: String, from: NotificationStatus, to: NotificationStatus, mark: String? = nil,
                          then: [RedisCommand] = []) async throws {
        try await countMoves([CountedMove(notificationId, eventId: eventId, from: from, to: to, mark: mark)], then: then)
    }

    /// ``countMove(_:eventId:from:to:then:)`` for many moves: the counts of each event added up (one script per event
    /// that counts each marked move once; one HINCRBY per event and status for moves of records made before marks were
    /// named), then every record's settling, then `then`.
    public func countMoves(_ moves: [CountedMove], then: [RedisCommand] = []) async throws {
        var deltas: [String: [Tallied]] = [:]
        var marks: [RedisCommand] = []
        var settles: [(keys: [String], args: [any RedisArgument])] = []
        for m in moves {
            let move = (from: Self.counted(m.from), to: Self.counted(m.to))
            guard move.from != move.to else { continue }
            deltas[m.eventId, default: []].append((move.from, move.to, countingEntry(m.notificationId, mark: m.mark)))
            if let mark = m.mark {
                marks.append(RedisCommand("HDEL", Keys.notification(m.notificationId), mark))
            } else {
                settles.append(([Keys.notification(m.notificationId)], ["\(move.from.rawValue)>\(move.to.rawValue)"]))
            }
        }
        let tallies = deltas.keys.sorted().map { tallyCommands($0, moves: deltas[$0] ?? []) }
        try await countAndSettle(tallies.flatMap(\.counts), clear: tallies.flatMap(\.clear), marks: marks, settles: settles, then: then)
    }

    /// Counts the moves a stopped process left marked on the record (`u<line>` fields, or the `uncounted` list of a
    /// record made before those); returns how many it counted.
    @discardableResult
    public func repairCounts(_ notificationId: String, eventId: String, fields: [String: String]) async throws -> Int {
        let listed = (fields["uncounted"] ?? "").split(separator: ",").map(String.init)
        let marked = fields.filter { Self.isCountMark($0.key) }.sorted { $0.key < $1.key }
        let tokens = listed.map { (token: $0, mark: String?.none) } + marked.map { (token: $0.value, mark: Optional($0.key)) }
        let moves = tokens.compactMap { t -> Tallied? in
            let parts = t.token.split(separator: ">").map(String.init)
            guard parts.count == 2, let from = NotificationStatus(rawValue: parts[0]), let to = NotificationStatus(rawValue: parts[1]) else { return nil }
            return (from, to, countingEntry(notificationId, mark: t.mark))
        }
        guard !moves.isEmpty else { return 0 }
        let key = Keys.notification(notificationId)
        let tally = tallyCommands(eventId, moves: moves)
        try await countAndSettle(tally.counts, clear: tally.clear, marks: marked.map { RedisCommand("HDEL", key, $0.key) },
                                 settles: listed.isEmpty ? [] : [([key], listed.map { $0 as any RedisArgument })])
        return moves.count
    }

    /// Whether the record has a move its event has not counted yet.
    public static func hasUncountedMoves(_ fields: [String: String]) -> Bool {
        !(fields["uncounted"] ?? "").isEmpty || fields.keys.contains(where: isCountMark)
    }

    /// `u<line>`: the mark of a move not yet counted.
    static func isCountMark(_ field: String) -> Bool {
        let utf8 = field.utf8
        return utf8.count > 1 && utf8.first == UInt8(ascii: "u") && utf8.dropFirst().allSatisfy { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    /// The counts, then the settling (marks removed, or found and removed by the script), then `clear` (the counted
    /// moves' entries) and `then`. Moves counted once wait for their counts' replies before any mark goes, so a count
    /// script Redis did not have (after a restart) runs again first; on a cluster, where the events and the
    /// notifications live on different nodes, every stage waits for the one before. Plain counts alone go in one round trip.
    private func countAndSettle(_ counts: [RedisCommand], clear: [RedisCommand] = [], marks: [RedisCommand],
                                settles: [(keys: [String], args: [any RedisArgument])], then: [RedisCommand] = []) async throws {
        let settling = settles.map { RedisCommand("EVALSHA", [NotificationScripts.settleCount.sha1, $0.keys.count] + $0.keys.map { $0 as any RedisArgument } + $0.args) }
        let replies: [[RedisValue]]
        if clear.isEmpty {
            replies = try await redis.pipeline(stages: [counts, marks + settling, then])
            try StoreError.check(replies[0], "write after a count")
        } else {
            let counted = try await redis.evalshaPipeline(EventScripts.countOnce, commands: counts)
            try StoreError.check(counted, "write after a count")
            replies = [counted] + (try await redis.pipeline(stages: [marks + settling, clear + then]))
        }
        try StoreError.check(Array(replies[1].prefix(marks.count)), "write after a count")
        for (settle, reply) in zip(settles, replies[1].dropFirst(marks.count)) {
            guard case .error(let message) = reply else { continue }
            guard message.hasPrefix("NOSCRIPT") else { throw StoreError.unexpected("settle count", reply) }
            _ = try await redis.evalsha(NotificationScripts.settleCount, keys: settle.keys, args: settle.args)
        }
        try StoreError.check(replies[2], "write after a count")
    }

    /// The status an event's counts show for a notification: a send in progress still counts as queued.
    static func counted(_ status: NotificationStatus) -> NotificationStatus { status == .sending ? .queued : status }
}
