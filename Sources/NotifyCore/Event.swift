import struct Foundation.Date

/// An event an entity published.
public struct Event: Sendable, Codable, Equatable {
    public var id: String
    public var type: String
    public var entity: String
    public var reference: String?
    public var recipients: [CPR]?
    public var topic: String?
    public var data: [String: JSONValue]
    public var sendAt: Date?
    public var priority: Priority
    public var createdAt: Date
    /// Set only by NotifyMe itself (verification codes): send on exactly this channel, verified or not.
    public var channel: Channel?

    public init(id: String, type: String, entity: String, reference: String? = nil, recipients: [CPR]? = nil, topic: String? = nil,
                data: [String: JSONValue], sendAt: Date? = nil, priority: Priority, createdAt: Date, channel: Channel? = nil) {
        self.id = id
        self.type = type
        self.entity = entity
        self.reference = reference
        self.recipients = recipients
        self.topic = topic
        self.data = data
        self.sendAt = sendAt
        self.priority = priority
        self.createdAt = createdAt
        self.channel = channel
    }
}
