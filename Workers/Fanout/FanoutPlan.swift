import Foundation
import NotifyCore

/// What fan-out decided for one recipient.
struct FanoutPlan: Sendable {
    let record: NotificationRecord
    /// The first timeline line: where it was queued, or why it is suppressed.
    let detail: String
    /// When the resident's quiet hours end, for a message that must wait for them.
    let holdUntil: Date?
    /// Whether the recipient is a registered resident (only they get an entry in their notification list).
    let resident: Bool
}
