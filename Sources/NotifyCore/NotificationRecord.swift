import struct Foundation.Date

/// One message to one resident on one channel, born from an event.
public struct NotificationRecord: Sendable, Equatable {
    public var id: String
    public var eventId: String
    public var eventType: String
    public var entity: String
    public var cpr: CPR
    public var channel: Channel
    public var status: NotificationStatus
    public var attempts: Int
    public var language: Language
    public var message: RenderedMessage?
    public var createdAt: Date
    /// The entity's reference for the event, copied so status queries and callbacks need not read the event.
    public var reference: String?
    /// Whether the entity had a status callback when this was created: each status change is then posted to it.
    public var callback: Bool

    public init(id: String, eventId: String, eventType: String, entity: String, cpr: CPR, channel: Channel,
                status: NotificationStatus, attempts: Int = 0, language: Language, message: RenderedMessage?, createdAt: Date,
                reference: String? = nil, callback: Bool = false) {
        self.id = id
        self.eventId = eventId
        self.eventType = eventType
        self.entity = entity
        self.cpr = cpr
        self.channel = channel
        self.status = status
        self.attempts = attempts
        self.language = language
        self.message = message
        self.createdAt = createdAt
        self.reference = reference
        self.callback = callback
    }
}

/// One line of a notification's timeline.
public struct TimelineEntry: Sendable, Codable, Equatable {
    public var at: Date
    public var status: NotificationStatus
    public var detail: String

    public init(at: Date, status: NotificationStatus, detail: String) {
        self.at = at
        self.status = status
        self.detail = detail
    }
}
