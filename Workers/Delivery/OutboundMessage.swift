import NotifyCore

/// One message to one address (phone, email, or device), as a provider adapter receives it.
public struct OutboundMessage: Sendable {
    public var notificationId: String
    public var channel: Channel
    public var eventType: String
    /// E.164 phone, email address, or push token; a Web Push device carries its subscription in `device`.
    public var to: String
    /// The push device, for the push channel.
    public var device: Device?
    public var subject: String?
    public var body: String
    public var html: String?
    /// Small key/value payload for push (notification id, event type).
    public var data: [String: String]
    /// Stable for this notification and address, across retries and worker restarts.
    public var idempotencyKey: String
    public var urgent: Bool
    /// For optional categories: a one-click unsubscribe URL (RFC 8058).
    public var unsubscribeURL: String?

    public init(notificationId: String, channel: Channel, eventType: String, to: String, device: Device? = nil, subject: String? = nil,
                body: String, html: String? = nil, data: [String: String] = [:], idempotencyKey: String, urgent: Bool = false,
                unsubscribeURL: String? = nil) {
        self.notificationId = notificationId
        self.channel = channel
        self.eventType = eventType
        self.to = to
        self.device = device
        self.subject = subject
        self.body = body
        self.html = html
        self.data = data
        self.idempotencyKey = idempotencyKey
        self.urgent = urgent
        self.unsubscribeURL = unsubscribeURL
    }
}
