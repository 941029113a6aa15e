import Metrics
import NotifyCore

/// Notifications by channel and status, counted where the status is written: creation and every move.
enum NotificationMetrics {
    static let name = "notifyme_notifications_total"

    static func count(channel: String, status: NotificationStatus) {
        Counter(label: name, dimensions: [("channel", channel.isEmpty ? "unknown" : channel), ("status", status.rawValue)]).increment()
    }
}
