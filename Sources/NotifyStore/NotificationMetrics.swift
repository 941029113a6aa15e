import Metrics
import NotifyCore

/// Notifications by channel and status, counted where the status is written: creation and every move.
enum NotificationMetrics {
    static let name = "notifyme_notifications_total"

    struct Key: Hashable {
        let channel: String
        let status: NotificationStatus
    }

    static func count(channel: String, status: NotificationStatus, by amount: Int = 1) {
        Counter(label: name, dimensions: [("channel", channel.isEmpty ? "unknown" : channel), ("status", status.rawValue)]).increment(by: amount)
    }

    /// A fan-out batch's creations, one counter update per channel and status rather than one per record.
    static func count(_ batch: [Key: Int]) {
        for (key, amount) in batch { count(channel: key.channel, status: key.status, by: amount) }
    }
}
