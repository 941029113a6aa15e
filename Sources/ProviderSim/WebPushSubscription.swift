/// A push subscription as a browser hands it to a server (`PushSubscription.toJSON()`).
public struct WebPushSubscription: Sendable, Codable, Equatable {
    /// The subscription's keys, base64url without padding.
    public struct Keys: Sendable, Codable, Equatable {
        /// The user agent's uncompressed P-256 public key (65 bytes).
        public var p256dh: String
        /// The 16-byte authentication secret.
        public var auth: String
    }

    /// The URL to POST encrypted messages to.
    public var endpoint: String
    public var keys: Keys

    /// The simulator's id for it: the last path segment of ``endpoint``.
    public var id: String { endpoint.split(separator: "/").last.map(String.init) ?? "" }
    /// Shortcut for `keys.p256dh`.
    public var p256dh: String { keys.p256dh }
    /// Shortcut for `keys.auth`.
    public var auth: String { keys.auth }

    /// Creates a subscription value.
    public init(endpoint: String, p256dh: String, auth: String) {
        self.endpoint = endpoint
        self.keys = Keys(p256dh: p256dh, auth: auth)
    }
}
