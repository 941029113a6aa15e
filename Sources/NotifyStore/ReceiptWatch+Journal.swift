import Foundation
import NotifyCore
import Redis

/// A batch of providers' receipts goes into the watch before their moves, as one member (`r:` and a line per receipt)
/// due ``journalGrace`` later, and comes out once the moves are counted. A move and its count are two units: when Redis
/// restarts or the API process dies between them and the provider stops retrying, the mark on the record would wait
/// for the 24-hour expiry. The expiry sweep instead records those receipts again a minute later, which finishes them.
extension ReceiptWatch {
    static let journalPrefix = "r:"
    /// How long a receipt's recording may take before the sweep takes it for cut off.
    public static let journalGrace: TimeInterval = 60

    /// The watch member that keeps a batch of receipts while they are recorded: one line `<id> <status> <detail>` each,
    /// in the shard of the first.
    static func journalMember(_ reports: [DeliveryOutcomes.Report]) -> String {
        journalPrefix + reports.map { r in "\(r.id) \(r.status.rawValue) \(oneLine(r.detail))" }.joined(separator: "\n")
    }

    /// `detail` with every line break (CR LF and Unicode's too) made a space. A provider's text is nearly always
    /// printable ASCII, which has none: that is checked on bytes, and only other text is walked by Character.
    static func oneLine(_ detail: String) -> String {
        if detail.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return detail }
        return String(detail.map { $0.isNewline ? " " : $0 })
    }

    /// The receipts a journal member keeps; empty for a notification's own watch (its id).
    public static func journaled(_ member: String) -> [DeliveryOutcomes.Report] {
        guard isJournal(member) else { return [] }
        return member.dropFirst(journalPrefix.count).split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ", maxSplits: 2).map(String.init)
            guard parts.count == 3, let status = NotificationStatus(rawValue: parts[1]) else { return nil }
            return DeliveryOutcomes.Report(parts[0], status, detail: parts[2])
        }
    }

    /// Whether `member` keeps receipts being recorded rather than watching a notification.
    public static func isJournal(_ member: String) -> Bool { member.hasPrefix(journalPrefix) }

    /// The ZADD that keeps a member made by ``journalMember(_:)`` until ``settleCommands(_:)`` takes it out.
    static func journalCommand(member: String, now: Date) -> RedisCommand {
        RedisCommand("ZADD", Keys.awaitingReceipt(shard: shard(of: member)), Int((now.timeIntervalSince1970 + journalGrace) * 1000), member)
    }
}
