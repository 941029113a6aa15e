import Foundation
import NotifyCore
import Redis

/// A provider's receipt goes into the watch before its move, as `r:<id> <status> <detail>` due ``journalGrace`` later,
/// and comes out once the move is counted. The move and its count are two units; when Redis restarts or the API
/// process dies between them and the provider stops retrying, the mark on the record would wait for the 24-hour
/// expiry. The expiry sweep instead records such a receipt again a minute later, which finishes what was left.
extension ReceiptWatch {
    static let journalPrefix = "r:"
    /// How long a receipt's recording may take before the sweep takes it for cut off.
    public static let journalGrace: TimeInterval = 60

    /// The watch member that keeps `report` while it is recorded.
    static func journalMember(_ report: DeliveryOutcomes.Report) -> String {
        "\(journalPrefix)\(report.id) \(report.status.rawValue) \(report.detail)"
    }

    /// The receipt a journal member keeps; nil for a notification's own watch (its id).
    public static func journaled(_ member: String) -> DeliveryOutcomes.Report? {
        guard member.hasPrefix(journalPrefix) else { return nil }
        let parts = member.dropFirst(journalPrefix.count).split(separator: " ", maxSplits: 2).map(String.init)
        guard parts.count == 3, let status = NotificationStatus(rawValue: parts[1]) else { return nil }
        return DeliveryOutcomes.Report(parts[0], status, detail: parts[2])
    }

    /// Whether `member` keeps a receipt being recorded rather than watching a notification.
    public static func isJournal(_ member: String) -> Bool { member.hasPrefix(journalPrefix) }

    /// One ZADD per shard that keeps `reports` until ``settleCommands(_:)`` takes their members out.
    static func journalCommands(_ reports: [DeliveryOutcomes.Report], now: Date) -> [RedisCommand] {
        let due = Int((now.timeIntervalSince1970 + journalGrace) * 1000)
        var byShard: [Int: [any RedisArgument]] = [:]
        for r in reports { byShard[shard(of: r.id), default: []].append(contentsOf: [due, journalMember(r)] as [any RedisArgument]) }
        return byShard.keys.sorted().map { RedisCommand("ZADD", [Keys.awaitingReceipt(shard: $0)] + (byShard[$0] ?? [])) }
    }
}
