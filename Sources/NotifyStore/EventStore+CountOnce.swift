import Foundation
import NotifyCore
import Redis

extension EventStore {
    /// One move to count on an event; `entry` (`<notification id> <mark>`) when it must be counted once
    /// (``EventScripts/countOnce``), nil for a plain count.
    typealias Tallied = (from: NotificationStatus?, to: NotificationStatus, entry: String?)

    /// How long a counted move's entry may wait for its mark to go: longer than any repair takes to come (a receipt's
    /// 24-hour wait, then its sweep).
    static let countingKept: Duration = .seconds(3 * 86_400)
    /// Moves per script call: its arguments go through Lua's `unpack`.
    static let countOnceBatch = 1_000

    /// The entry of a move whose mark is known; nil for a move without one (a record made before marks were named).
    /// On one server as on a cluster: a pipeline is not applied in one pass (Redis reads it in pieces and writes its
    /// append-only file between them), so a Redis stopped between a count and the removal of its mark kept the count and
    /// the mark, and the repair counted the move again (seen as events' counts off by 18 and 22 in chaos runs with a
    /// Redis restart).
    func countingEntry(_ notificationId: String, mark: String?) -> String? {
        guard let mark else { return nil }
        return "\(notificationId) \(mark)"
    }

    /// The commands that count `moves` on event `id`, and those that drop their entries once their marks are gone.
    func tallyCommands(_ id: String, moves: [Tallied], now: Date = Date()) -> (counts: [RedisCommand], clear: [RedisCommand]) {
        let plain = moves.filter { $0.entry == nil }.map { (from: $0.from, to: $0.to) }
        var counts = countCommands(id, moves: plain), clear: [RedisCommand] = []
        let once = moves.filter { $0.entry != nil }
        let keep = Int(Self.countingKept.components.seconds) * 1000
        for start in stride(from: 0, to: once.count, by: Self.countOnceBatch) {
            let slice = once[start..<min(start + Self.countOnceBatch, once.count)]
            var args: [any RedisArgument] = [Int(now.timeIntervalSince1970 * 1000), keep]
            for m in slice { args += [m.entry ?? "", m.from?.rawValue ?? "", m.to.rawValue] as [any RedisArgument] }
            counts.append(EventScripts.countOnce.evalsha(keys: [Keys.event(id), Keys.eventCounting(id)], args: args))
            clear.append(RedisCommand("ZREM", [Keys.eventCounting(id)] + slice.map { ($0.entry ?? "") as any RedisArgument }))
        }
        return (counts, clear)
    }
}
