/// Settings for one Apple Push Notification service provider, with token-based (.p8 key) authentication.
public struct APNsConfiguration: Sendable {
    /// The provider's name, unique across providers (health, rate limits, receipts).
    public var name: String
    /// `https://api.push.apple.com`, `https://api.sandbox.push.apple.com`, or a simulator (`http://` uses h2c).
    public var baseURL: String
    /// The .p8 signing key from Apple (PEM, PKCS#8, P-256).
    public var keyFile: String
    /// The key's id (10 characters in Apple's developer account): the JWT `kid`.
    public var keyId: String
    /// The team id: the JWT `iss`.
    public var teamId: String
    /// The app's bundle id, sent as `apns-topic`.
    public var topic: String
    /// How long one provider token is used: 20 to 60 minutes (Apple refuses refreshes more often than every
    /// 20 minutes and tokens older than an hour).
    public var tokenRefreshAge: Duration
    /// How long APNs keeps trying an undelivered notification (`apns-expiration`); zero: one attempt, not stored.
    public var expiration: Duration
    /// Limit for one request.
    public var timeout: Duration
    /// Limit for establishing a connection.
    public var connectTimeout: Duration

    public init(name: String = "apns", baseURL: String = "https://api.push.apple.com", keyFile: String, keyId: String, teamId: String,
                topic: String, tokenRefreshAge: Duration = .seconds(50 * 60), expiration: Duration = .seconds(86400),
                timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(3)) {
        self.name = name
        self.baseURL = baseURL
        self.keyFile = keyFile
        self.keyId = keyId
        self.teamId = teamId
        self.topic = topic
        self.tokenRefreshAge = tokenRefreshAge
        self.expiration = expiration
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// Checks every setting but the key file; returns the base URL without a trailing slash.
    func validated() throws(PushConfigurationError) -> String {
        let base = try PushURL.base(baseURL, provider: name)
        func isIdentifier(_ text: String) -> Bool {
            (1...64).contains(text.utf8.count) && text.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0)) }
        }
        guard isIdentifier(keyId) else { throw .invalid(name, "keyId", "must be the key's id (letters and digits)") }
        guard isIdentifier(teamId) else { throw .invalid(name, "teamId", "must be the team id (letters and digits)") }
        guard !topic.isEmpty, topic.utf8.count <= 255, topic.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalid(name, "topic", "must be the app's bundle id")
        }
        guard tokenRefreshAge >= APNsTokenCache.minimumAge, tokenRefreshAge <= APNsTokenCache.maximumAge else {
            throw .invalid(name, "tokenRefreshAge", "must be between 20 and 60 minutes")
        }
        guard expiration >= .zero else { throw .invalid(name, "expiration", "must not be negative") }
        return base
    }
}
