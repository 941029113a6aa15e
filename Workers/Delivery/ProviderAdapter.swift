/// A provider's answer when it accepted a message.
public struct ProviderAcceptance: Sendable, Equatable {
    /// The provider's id for the message, which its delivery receipts name.
    public let messageId: String

    public init(messageId: String) { self.messageId = messageId }
}

/// Sends messages through one provider (an SMS gateway, an SMTP server, FCM, APNs, a Web Push service).
public protocol ProviderAdapter: Sendable {
    /// The provider's configured name, unique across all providers; used for health, rate limits and receipts.
    var name: String { get }
    /// Whether the provider posts a delivery receipt for each accepted message (to /v1/receipts/<name>); only then
    /// does a `sent` notification wait for one, and expire without it. A requirement, not only an extension member:
    /// the pool asks through `any ProviderAdapter`, which would otherwise always get the default.
    var postsReceipts: Bool { get }
    /// Whether each receipt names the notification itself (it echoes what the send gave it): the receipt then needs no
    /// entry in the message id index, and one that beats the worker waits on the record until the move to `sent`.
    var receiptsNameNotification: Bool { get }
    /// Sends one message. Throws ``ProviderError`` to say how a failure must be handled;
    /// any other error is treated as transient.
    func send(_ message: OutboundMessage) async throws -> ProviderAcceptance
}

extension ProviderAdapter {
    /// Most providers post no receipts.
    public var postsReceipts: Bool { false }
    /// Most receipts name only the provider's message id.
    public var receiptsNameNotification: Bool { false }
}
