/// Settings for one Web Push provider (RFC 8030 with VAPID, RFC 8292, and RFC 8291 encryption).
public struct WebPushConfiguration: Sendable {
    /// The push services of the major browsers: Chrome, Firefox, Edge, Safari.
    public static let defaultAllowedHosts = [
        "fcm.googleapis.com", "updates.push.services.mozilla.com", "*.notify.windows.com", "web.push.apple.com",
    ]

    /// The provider's name, unique across providers (health, rate limits, receipts).
    public var name: String
    /// The VAPID private key (PEM, P-256).
    public var vapidKeyFile: String
    /// Generate and save a key when `vapidKeyFile` is missing (development); in production a missing key is
    /// an error, since a new key orphans every subscription.
    public var createKeyIfMissing: Bool
    /// The VAPID `sub`: how a push service operator can reach us, `mailto:...` or `https://...`.
    public var subject: String
    /// Hosts allowed besides ``defaultAllowedHosts`` (`host` or `*.domain`), e.g. `127.0.0.1` for the simulator.
    public var additionalAllowedHosts: [String]
    /// Allow `http://` endpoints (a local simulator only).
    public var allowHTTP: Bool
    /// How long the push service keeps an undelivered message (`TTL`).
    public var ttl: Duration
    /// How long one VAPID JWT is valid (`exp`); at most 24 hours.
    public var tokenLifetime: Duration
    /// Limit for one request.
    public var timeout: Duration
    /// Limit for establishing a connection.
    public var connectTimeout: Duration

    public init(name: String = "webpush", vapidKeyFile: String, createKeyIfMissing: Bool = false, subject: String,
                additionalAllowedHosts: [String] = [], allowHTTP: Bool = false, ttl: Duration = .seconds(86400),
                tokenLifetime: Duration = .seconds(12 * 3600), timeout: Duration = .seconds(10), connectTimeout: Duration = .seconds(3)) {
        self.name = name
        self.vapidKeyFile = vapidKeyFile
        self.createKeyIfMissing = createKeyIfMissing
        self.subject = subject
        self.additionalAllowedHosts = additionalAllowedHosts
        self.allowHTTP = allowHTTP
        self.ttl = ttl
        self.tokenLifetime = tokenLifetime
        self.timeout = timeout
        self.connectTimeout = connectTimeout
    }

    /// Checks every setting but the key file.
    func validate() throws(PushConfigurationError) {
        let lower = subject.lowercased()
        guard (lower.hasPrefix("mailto:") && subject.count > 7) || lower.hasPrefix("https://"),
              subject.utf8.allSatisfy({ (0x21...0x7E).contains($0) }) else {
            throw .invalid(name, "subject", "must be a mailto: or https: URI where the push services can reach us")
        }
        guard ttl >= .zero, ttl <= .seconds(28 * 86400) else { throw .invalid(name, "ttl", "must be between 0 and 28 days") }
        guard tokenLifetime >= .seconds(60), tokenLifetime <= .seconds(86400) else {
            throw .invalid(name, "tokenLifetime", "must be between 1 minute and 24 hours")
        }
        for host in additionalAllowedHosts where host.isEmpty || host.contains("/") || host.contains("@") || host.contains(" ") {
            throw .invalid(name, "additionalAllowedHosts", "must list host names, got '\(host)'")
        }
    }
}
