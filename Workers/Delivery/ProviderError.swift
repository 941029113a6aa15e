/// Why a provider did not accept a message, classified for the retry decision.
public struct ProviderError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        /// Worth retrying later: timeouts, connection failures, 429, 5xx, FCM UNAVAILABLE or QUOTA_EXCEEDED.
        case transient
        /// Retrying the same message will not help: invalid number or address, other 4xx.
        case permanent
        /// The push token or subscription is gone (FCM UNREGISTERED, APNs 410/BadDeviceToken, Web Push 404/410):
        /// permanent, and the device must be removed from the resident.
        case deadRecipient
    }

    public let kind: Kind
    /// What went wrong, for the timeline and logs. Never holds an address, token or body.
    public let detail: String
    /// The provider asked to wait this long (Retry-After).
    public let retryAfter: Duration?
    /// Whether this failure says something about the provider's health (outage, throttling)
    /// rather than about the recipient.
    public let countsAgainstProvider: Bool

    public init(_ kind: Kind, _ detail: String, retryAfter: Duration? = nil, countsAgainstProvider: Bool? = nil) {
        self.kind = kind
        self.detail = detail
        self.retryAfter = retryAfter
        self.countsAgainstProvider = countsAgainstProvider ?? (kind == .transient)
    }

    public static func transient(_ detail: String, retryAfter: Duration? = nil) -> ProviderError {
        ProviderError(.transient, detail, retryAfter: retryAfter)
    }

    public static func permanent(_ detail: String) -> ProviderError { ProviderError(.permanent, detail) }

    public static func deadRecipient(_ detail: String) -> ProviderError { ProviderError(.deadRecipient, detail) }

    public var description: String { "\(kind): \(detail)" }
}
