import Foundation

/// A resident's device that can receive push: an FCM or APNs token, or a Web Push subscription.
public struct Device: Sendable, Equatable, Codable {
    public enum Platform: String, Sendable, Codable, CaseIterable {
        case fcm, apns, webpush
    }

    /// A Web Push subscription (RFC 8030 endpoint, RFC 8291 keys).
    public struct WebPushSubscription: Sendable, Equatable, Codable {
        public var endpoint: String
        public var p256dh: String
        public var auth: String

        public init(endpoint: String, p256dh: String, auth: String) {
            self.endpoint = endpoint
            self.p256dh = p256dh
            self.auth = auth
        }
    }

    public var id: String
    public var platform: Platform
    public var token: String?
    public var subscription: WebPushSubscription?
    public var createdAt: Date

    /// Validates what a resident sent for `platform`; every problem names its field.
    public init(id: String, platform: Platform, token: String?, subscription: WebPushSubscription?, createdAt: Date) throws(NotifyError) {
        switch platform {
        case .fcm:
            guard let token, (20...4096).contains(token.utf8.count), token.unicodeScalars.allSatisfy(Self.isFCMCharacter) else {
                throw .invalid("token", "must be an FCM registration token (20 to 4096 characters of letters, digits, '-', '_', ':')")
            }
            guard subscription == nil else { throw .invalid("subscription", "is only for webpush devices") }
        case .apns:
            guard let token, token.utf8.count == 64 || token.utf8.count == 160,
                  token.unicodeScalars.allSatisfy({ $0.properties.isASCIIHexDigit }) else {
                throw .invalid("token", "must be an APNs device token of 64 (or 160) hexadecimal characters")
            }
            guard subscription == nil else { throw .invalid("subscription", "is only for webpush devices") }
        case .webpush:
            guard token == nil else { throw .invalid("token", "is not used by webpush devices; send subscription") }
            guard let subscription else { throw .invalid("subscription", "is required for webpush devices") }
            try Self.validate(subscription)
        }
        self.id = id
        self.platform = platform
        self.token = platform == .apns ? token?.lowercased() : token
        self.subscription = subscription
        self.createdAt = createdAt
    }

    private static func isFCMCharacter(_ s: Unicode.Scalar) -> Bool {
        s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || s == "-" || s == "_" || s == ":")
    }

    private static func validate(_ s: WebPushSubscription) throws(NotifyError) {
        // Plain http only on loopback, where the provider simulator runs; which hosts are actually
        // posted to is the Web Push adapter's allowlist, so an endpoint here cannot aim NotifyMe elsewhere.
        guard s.endpoint.utf8.count <= 2048, let url = URL(string: s.endpoint), let host = url.host, !host.isEmpty,
              url.scheme == "https" || (url.scheme == "http" && ["127.0.0.1", "localhost"].contains(host)) else {
            throw .invalid("subscription.endpoint", "must be an https:// URL of at most 2048 characters")
        }
        guard let key = Base64URL.decode(s.p256dh), key.count == 65, key.first == 0x04 else {
            throw .invalid("subscription.p256dh", "must be an uncompressed P-256 public key (65 bytes, base64url)")
        }
        guard let auth = Base64URL.decode(s.auth), auth.count == 16 else {
            throw .invalid("subscription.auth", "must be a 16-byte authentication secret (base64url)")
        }
    }

    /// What the resident sees: the platform and a hint of the token, never all of it.
    public var hint: String {
        if let token { return "\(token.prefix(6))…" }
        if let host = subscription.flatMap({ URL(string: $0.endpoint)?.host }) { return host }
        return ""
    }
}

/// Base64url without padding, as Web Push keys are written.
public enum Base64URL {
    public static func decode(_ text: String) -> [UInt8]? {
        guard text.utf8.count <= 1024 else { return nil }
        var s = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { [UInt8]($0) }
    }

    public static func encode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }
}
