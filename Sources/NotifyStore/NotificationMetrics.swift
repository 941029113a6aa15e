import Metrics
import NotifyCore

/// Notifications by channel and status, counted where the status is written: creation and every move.
enum NotificationMetrics {
    static let name = "notifyme_notifications_total"

    struct Key: Hashable {
        let channel: String
        let status: NotificationStatus
    }

    /// Made once per channel and status: three moves of every notification sent count here.
    static let counters = MetricHandles<Key, Counter> { key in
        Counter(label: name, dimensions: [("channel", key.channel.isEmpty ? "unknown" : key.channel), ("status", key.status.rawValue)])
    }

    static func count(channel: String, status: NotificationStatus, by amount: Int = 1) {
        counters[Key(channel: channel, status: status)].increment(by: amount)
    }

    /// A fan-out batch's creations, one counter update per channel and status rather than one per record.
    static func count(_ batch: [Key: Int]) {
        for (key, amount) in batch { count(channel: key.channel, status: key.status, by: amount) }
    }
}
