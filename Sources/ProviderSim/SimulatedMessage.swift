import Foundation

/// One message a simulated provider accepted.
public struct SimulatedMessage: Sendable, Codable, Equatable {
    /// "gateway", "twilio", "fcm", "apns" or "webpush".
    public var provider: String
    /// Phone number, FCM token (or `/topics/NAME`), APNs device token, or Web Push subscription id.
    public var recipient: String
    /// SMS text, or the decrypted Web Push payload.
    public var text: String?
    /// Push notification title (FCM `notification.title`, APNs `aps.alert.title`).
    public var title: String?
    /// Push notification body (FCM `notification.body`, APNs `aps.alert.body` or string alert).
    public var body: String?
    /// The raw push request JSON (FCM `message`, APNs payload).
    public var payload: String?
    /// Gateway `Idempotency-Key`, APNs `apns-id`, or Web Push `Topic`.
    public var idempotencyKey: String?
    /// The id the provider answered with.
    public var messageId: String
    /// When it was accepted.
    public var at: Date

    /// Creates a record.
    public init(
        provider: String, recipient: String, text: String? = nil, title: String? = nil, body: String? = nil,
        payload: String? = nil, idempotencyKey: String? = nil, messageId: String, at: Date = Date()
    ) {
        self.provider = provider
        self.recipient = recipient
        self.text = text
        self.title = title
        self.body = body
        self.payload = payload
        self.idempotencyKey = idempotencyKey
        self.messageId = messageId
        self.at = at
    }
}
