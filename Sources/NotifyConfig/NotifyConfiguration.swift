import NotifyCore

/// Every setting NotifyMe reads at start-up. `Config/notifyme.yaml` documents each one.
public struct NotifyConfiguration: Sendable {
    public struct HTTP: Sendable {
        public var host: String = "127.0.0.1"
        public var port: Int = 8080
        /// How residents and providers reach the API from outside (unsubscribe links, receipt callbacks),
        /// e.g. `https://notify.gov.bh`; empty: `http://host:port`.
        public var publicURL: String = ""
        /// A connection that completes no request head for this long is closed: idle keep-alive connections
        /// and clients that send their headers slowly.
        public var idleTimeout: Duration = .seconds(15)
        /// From a request's head to the end of its body; a slower client gets 408 and is disconnected.
        public var requestTimeout: Duration = .seconds(30)
        /// The largest request body on any path (endpoints have smaller limits of their own).
        public var maxBodyBytes: Int = 4 << 20
        /// The largest request head (request line and headers); past it, 400 and the connection is closed.
        public var maxHeaderBytes: Int = 16 << 10
        /// The most header fields one request may carry.
        public var maxHeaderCount: Int = 100
    }

    public struct RedisSettings: Sendable {
        /// Empty: start an embedded redis-server under the data directory.
        public var url: String = ""
        public var serverBinary: String = "redis-server"
        public var appendfsync: AppendFsync = .everysec
        public var poolSize: Int = 8
        public var connectTimeout: Duration = .seconds(2)
        public var commandTimeout: Duration = .seconds(5)
    }

    public enum AppendFsync: String, Sendable, CaseIterable { case everysec, always }

    public struct Identity: Sendable {
        public var issuer: String = "https://identity.notifyme.local"
        public var audience: String = "notifyme"
        public var clockSkew: Duration = .seconds(60)
        /// Trust the local development signing key (and let `notifyme dev-token` use it).
        public var development: Bool = true
        /// Development signing key, relative to the data directory unless absolute.
        public var devKeyFile: String = "dev-identity-key.pem"
        /// The identity provider's public keys (PEM, RSA for RS256 or P-256 for ES256); the file name is the key id.
        public var publicKeys: [String] = []
    }

    public struct Email: Sendable {
        /// `smtp://host:port` or `smtps://...`; empty: write to the outbox folder under the data directory.
        public var smtpURL: String = ""
        public var from: String = "NotifyMe <no-reply@notify.gov.bh>"
        public var username: String = ""
        public var password: String = ""
        public var startTLS: Bool = false
        public var timeout: Duration = .seconds(30)
    }

    public struct Security: Sendable {
        /// Base64 of 32 random bytes; wins over `encryptionKeyFile`. Usually set through NOTIFYME_ENCRYPTION_KEY.
        public var encryptionKey: String = ""
        /// File holding the key as base64, relative to the data directory unless absolute; created if missing.
        public var encryptionKeyFile: String = "encryption.key"
    }

    public struct Residents: Sendable {
        /// Devices a resident may register; the oldest is replaced beyond this.
        public var maxDevices: Int = 5
        /// How long a verification code stays valid.
        public var codeLifetime: Duration = .seconds(600)
        /// Wrong codes allowed before the code is locked.
        public var maxCodeAttempts: Int = 5
        /// Codes that may be sent per channel within `resendWindow`.
        public var maxCodeSends: Int = 3
        public var resendWindow: Duration = .seconds(3600)

        public init() {}
    }

    public struct Workers: Sendable {
        public var fanoutConcurrency: Int = 2
        public var fanoutBatchSize: Int = 500
        public var emailConcurrency: Int = 16
        public var smsConcurrency: Int = 32
        public var pushConcurrency: Int = 32
        public var visibilityTimeout: Duration = .seconds(60)
        public var maxAttempts: Int = 5
        /// Streams per channel queue, each with its own hash tag (on Redis Cluster: spread over the nodes).
        public var partitions: Int = 1
    }

    /// How entities publish: per-key request rate, message size and scheduling limits.
    public struct Publishing: Sendable {
        /// Requests per second each API key may make (token bucket), and the burst above that.
        public var rate: Double = 100
        public var burst: Double = 200
        /// The most SMS parts one message may take; longer renderings are refused at publish time.
        public var smsMaxSegments: Int = 4
        /// How far ahead `sendAt` may lie.
        public var maxScheduleAhead: Duration = .seconds(90 * 86_400)
        /// How long an Idempotency-Key is remembered.
        public var idempotencyWindow: Duration = .seconds(86_400)
        public init() {}
    }

    /// How long notifications are kept and watched.
    public struct Notifications: Sendable {
        /// Records and message bodies expire after this; events keep their counts.
        public var retention: Duration = .seconds(7 * 86_400)
        /// A `sent` notification with no receipt after this becomes `expired` (for providers that post receipts).
        public var receiptTimeout: Duration = .seconds(86_400)
        /// A signed receipt older (or newer) than this is refused as a possible replay.
        public var receiptReplayWindow: Duration = .seconds(300)
        public init() {}
    }

    /// Status callbacks to entities.
    public struct Callbacks: Sendable {
        /// Posts in flight at once per process.
        public var concurrency: Int = 16
        public var timeout: Duration = .seconds(5)
        /// Posts of one change before it is held for the entity (as when suspended).
        public var maxAttempts: Int = 8
        /// Failed posts in a row that suspend an entity's callback until it resumes it.
        public var suspendAfter: Int = 20
        public var retryBase: Duration = .seconds(1)
        public var retryCap: Duration = .seconds(600)
        public init() {}
    }

    public var http = HTTP()
    public var callbacks = Callbacks()
    public var publishing = Publishing()
    public var notifications = Notifications()
    public var dataDir: String = "./data"
    public var redis = RedisSettings()
    public var cataloguePath: String = "Config/events.yaml"
    public var templatesPath: String = "Templates"
    public var identity = Identity()
    public var email = Email()
    public var workers = Workers()
    public var security = Security()
    public var residents = Residents()
    public var providers = ProvidersConfiguration()
    public var logLevel: String = "info"
    /// How log lines are written: one JSON object per line, plain text, or (auto) text on a terminal and JSON otherwise.
    public var logFormat: LogFormat = .auto

    public enum LogFormat: String, Sendable, CaseIterable { case auto, json, text }

    public init() {}

    /// Whether `notifyme run` must start its own redis-server.
    public var usesEmbeddedRedis: Bool { redis.url.isEmpty }

    /// The embedded server's socket.
    public var embeddedRedisSocket: String { "\(absoluteDataDir)/redis.sock" }

    /// The Redis URL to connect to, embedded or configured.
    public var effectiveRedisURL: String { usesEmbeddedRedis ? "unix://\(embeddedRedisSocket)" : redis.url }

    /// The API's address as others reach it.
    public var publicURL: String {
        if !http.publicURL.isEmpty { return http.publicURL.hasSuffix("/") ? String(http.publicURL.dropLast()) : http.publicURL }
        let host = http.host == "0.0.0.0" ? "127.0.0.1" : http.host
        return "http://\(host):\(http.port)"
    }

    /// The data directory as an absolute path.
    public var absoluteDataDir: String { Paths.absolute(dataDir) }

    /// Where email lands when no SMTP server is configured.
    public var outboxDir: String { "\(absoluteDataDir)/outbox" }

    /// The field encryption key file, as an absolute path.
    public var encryptionKeyPath: String {
        security.encryptionKeyFile.hasPrefix("/") ? security.encryptionKeyFile : "\(absoluteDataDir)/\(security.encryptionKeyFile)"
    }

    /// The development identity key file, as an absolute path.
    public var devKeyPath: String {
        identity.devKeyFile.hasPrefix("/") ? identity.devKeyFile : "\(absoluteDataDir)/\(identity.devKeyFile)"
    }
}
