import Foundation
import NotifyCore

/// A delivery that ran out of attempts (or failed for good), kept with its whole history for staff.
public struct DeadLetter: Sendable, Equatable, Codable {
    public var notificationId: String
    public var channel: Channel
    public var eventId: String
    public var eventType: String
    public var entity: String
    public var attempts: Int
    public var lastError: String
    public var failedAt: Date
    /// Every status move of the notification, attempts included.
    public var history: [TimelineEntry]

    public init(notificationId: String, channel: Channel, eventId: String, eventType: String, entity: String, attempts: Int,
                lastError: String, failedAt: Date, history: [TimelineEntry]) {
        self.notificationId = notificationId
        self.channel = channel
        self.eventId = eventId
        self.eventType = eventType
        self.entity = entity
        self.attempts = attempts
        self.lastError = lastError
        self.failedAt = failedAt
        self.history = history
    }
}
