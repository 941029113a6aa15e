import Foundation
import Yams

extension NotifyConfiguration {
    /// The file read when NOTIFYME_CONFIG is not set (and skipped if it does not exist).
    public static let defaultFile = "Config/notifyme.yaml"

    /// Loads the YAML file (NOTIFYME_CONFIG or `Config/notifyme.yaml`), then applies the environment.
    public static func load(environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> NotifyConfiguration {
        let explicit = environment["NOTIFYME_CONFIG"].flatMap { $0.isEmpty ? nil : $0 }
        let file = explicit ?? defaultFile
        var yaml = ""
        if FileManager.default.fileExists(atPath: file) {
            do { yaml = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw .unreadable(file, "cannot be read: \(error.localizedDescription)")
            }
        } else if explicit != nil {
            throw .unreadable(file, "does not exist (named by NOTIFYME_CONFIG)")
        }
        return try parse(yaml: yaml, file: file, environment: environment)
    }

    /// Parses YAML text and applies environment overrides; every error names its key.
    public static func parse(yaml: String, file: String = "<string>", environment: [String: String] = [:]) throws(ConfigError) -> NotifyConfiguration {
        let root: [String: Any]
        do {
            let loaded = try Yams.load(yaml: yaml)
            if loaded == nil || loaded is NSNull { root = [:] }
            else if let dict = loaded as? [String: Any] { root = dict }
            else { throw ConfigError.unreadable(file, "must be a mapping of settings at the top level") }
        } catch let error as ConfigError {
            throw error
        } catch {
            throw .unreadable(file, "is not valid YAML: \(error)")
        }
        var config = try read(ConfigReader(root))
        try config.applyEnvironment(environment)
        try config.validate()
        return config
    }

    private static func read(_ reader: ConfigReader) throws(ConfigError) -> NotifyConfiguration {
        var r = reader
        var c = NotifyConfiguration()
        var http = try r.section("http")
        c.http.host = try http.string("host", default: c.http.host)
        c.http.port = try http.int("port", default: c.http.port, range: 0...65535)
        c.http.publicURL = try http.string("publicURL", default: c.http.publicURL)
        c.http.idleTimeout = try http.duration("idleTimeout", default: c.http.idleTimeout, range: .seconds(1) ... .seconds(3600))
        c.http.requestTimeout = try http.duration("requestTimeout", default: c.http.requestTimeout, range: .seconds(1) ... .seconds(3600))
        c.http.maxBodyBytes = try http.int("maxBodyBytes", default: c.http.maxBodyBytes, range: (64 << 10)...(1 << 30))
        c.http.maxHeaderBytes = try http.int("maxHeaderBytes", default: c.http.maxHeaderBytes, range: 1024...(1 << 20))
        c.http.maxHeaderCount = try http.int("maxHeaderCount", default: c.http.maxHeaderCount, range: 8...10_000)
        try http.rejectUnknownKeys()

        c.dataDir = try r.string("dataDir", default: c.dataDir)
        c.cataloguePath = try r.string("catalogue", default: c.cataloguePath)
        c.templatesPath = try r.string("templates", default: c.templatesPath)
        c.logLevel = try r.string("logLevel", default: c.logLevel)
        c.logFormat = try r.choice("logFormat", default: c.logFormat)

        var redis = try r.section("redis")
        c.redis.url = try redis.string("url", default: c.redis.url)
        c.redis.serverBinary = try redis.string("server", default: c.redis.serverBinary)
        c.redis.appendfsync = try redis.choice("appendfsync", default: c.redis.appendfsync)
        c.redis.poolSize = try redis.int("poolSize", default: c.redis.poolSize, range: 1...256)
        c.redis.connectTimeout = try redis.duration("connectTimeout", default: c.redis.connectTimeout, range: .milliseconds(50) ... .seconds(60))
        c.redis.commandTimeout = try redis.duration("commandTimeout", default: c.redis.commandTimeout, range: .milliseconds(50) ... .seconds(300))
        try redis.rejectUnknownKeys()

        var identity = try r.section("identity")
        c.identity.issuer = try identity.string("issuer", default: c.identity.issuer)
        c.identity.audience = try identity.string("audience", default: c.identity.audience)
        c.identity.clockSkew = try identity.duration("clockSkew", default: c.identity.clockSkew, range: .zero ... .seconds(600))
        c.identity.development = try identity.bool("development", default: c.identity.development)
        c.identity.devKeyFile = try identity.string("devKeyFile", default: c.identity.devKeyFile)
        c.identity.publicKeys = try identity.strings("publicKeys", default: c.identity.publicKeys)
        try identity.rejectUnknownKeys()

        var email = try r.section("email")
        c.email.smtpURL = try email.string("smtp", default: c.email.smtpURL)
        c.email.from = try email.string("from", default: c.email.from)
        c.email.username = try email.string("username", default: c.email.username)
        c.email.password = try email.string("password", default: c.email.password)
        c.email.startTLS = try email.bool("startTLS", default: c.email.startTLS)
        c.email.timeout = try email.duration("timeout", default: c.email.timeout, range: .seconds(1) ... .seconds(600))
        try email.rejectUnknownKeys()

        var workers = try r.section("workers")
        c.workers.fanoutConcurrency = try workers.int("fanoutConcurrency", default: c.workers.fanoutConcurrency, range: 1...64)
        c.workers.fanoutBatchSize = try workers.int("fanoutBatchSize", default: c.workers.fanoutBatchSize, range: 1...10_000)
        c.workers.emailConcurrency = try workers.int("emailConcurrency", default: c.workers.emailConcurrency, range: 1...4096)
        c.workers.smsConcurrency = try workers.int("smsConcurrency", default: c.workers.smsConcurrency, range: 1...4096)
        c.workers.pushConcurrency = try workers.int("pushConcurrency", default: c.workers.pushConcurrency, range: 1...4096)
        c.workers.visibilityTimeout = try workers.duration("visibilityTimeout", default: c.workers.visibilityTimeout, range: .seconds(1) ... .seconds(3600))
        c.workers.maxAttempts = try workers.int("maxAttempts", default: c.workers.maxAttempts, range: 1...50)
        c.workers.partitions = try workers.int("partitions", default: c.workers.partitions, range: 1...256)
        try workers.rejectUnknownKeys()

        var security = try r.section("security")
        c.security.encryptionKey = try security.string("encryptionKey", default: c.security.encryptionKey)
        c.security.encryptionKeyFile = try security.string("encryptionKeyFile", default: c.security.encryptionKeyFile)
        try security.rejectUnknownKeys()

        var residents = try r.section("residents")
        c.residents.maxDevices = try residents.int("maxDevices", default: c.residents.maxDevices, range: 1...50)
        c.residents.codeLifetime = try residents.duration("codeLifetime", default: c.residents.codeLifetime, range: .seconds(60) ... .seconds(86400))
        c.residents.maxCodeAttempts = try residents.int("maxCodeAttempts", default: c.residents.maxCodeAttempts, range: 1...20)
        c.residents.maxCodeSends = try residents.int("maxCodeSends", default: c.residents.maxCodeSends, range: 1...50)
        c.residents.resendWindow = try residents.duration("resendWindow", default: c.residents.resendWindow, range: .seconds(60) ... .seconds(86400))
        try residents.rejectUnknownKeys()

        var publishing = try r.section("publishing")
        c.publishing.rate = try publishing.double("rate", default: c.publishing.rate, range: 0.1...1_000_000)
        c.publishing.burst = try publishing.double("burst", default: c.publishing.burst, range: 1...1_000_000)
        c.publishing.smsMaxSegments = try publishing.int("smsMaxSegments", default: c.publishing.smsMaxSegments, range: 1...20)
        c.publishing.maxScheduleAhead = try publishing.duration("maxScheduleAhead", default: c.publishing.maxScheduleAhead,
                                                                range: .seconds(60) ... .seconds(366 * 86_400))
        c.publishing.idempotencyWindow = try publishing.duration("idempotencyWindow", default: c.publishing.idempotencyWindow,
                                                                 range: .seconds(60) ... .seconds(30 * 86_400))
        try publishing.rejectUnknownKeys()

        var callbacks = try r.section("callbacks")
        c.callbacks.concurrency = try callbacks.int("concurrency", default: c.callbacks.concurrency, range: 1...1024)
        c.callbacks.timeout = try callbacks.duration("timeout", default: c.callbacks.timeout, range: .milliseconds(100) ... .seconds(60))
        c.callbacks.maxAttempts = try callbacks.int("maxAttempts", default: c.callbacks.maxAttempts, range: 1...50)
        c.callbacks.suspendAfter = try callbacks.int("suspendAfter", default: c.callbacks.suspendAfter, range: 1...100_000)
        c.callbacks.retryBase = try callbacks.duration("retryBase", default: c.callbacks.retryBase, range: .milliseconds(10) ... .seconds(600))
        c.callbacks.retryCap = try callbacks.duration("retryCap", default: c.callbacks.retryCap, range: .milliseconds(10) ... .seconds(86_400))
        try callbacks.rejectUnknownKeys()

        var notifications = try r.section("notifications")
        c.notifications.retention = try notifications.duration("retention", default: c.notifications.retention,
                                                               range: .seconds(3600) ... .seconds(3660 * 86_400))
        c.notifications.receiptTimeout = try notifications.duration("receiptTimeout", default: c.notifications.receiptTimeout,
                                                                    range: .seconds(10) ... .seconds(30 * 86_400))
        c.notifications.receiptReplayWindow = try notifications.duration("receiptReplayWindow", default: c.notifications.receiptReplayWindow,
                                                                         range: .seconds(10) ... .seconds(3600))
        try notifications.rejectUnknownKeys()

        c.providers = try ProvidersConfiguration.read(try r.section("providers"))

        try r.rejectUnknownKeys()
        return c
    }

    /// NOTIFYME_* variables win over the file.
    mutating func applyEnvironment(_ env: [String: String]) throws(ConfigError) {
        if let v = env["NOTIFYME_REDIS_URL"] { redis.url = v }
        if let v = env["NOTIFYME_DATA_DIR"], !v.isEmpty { dataDir = v }
        if let v = env["NOTIFYME_HTTP_HOST"], !v.isEmpty { http.host = v }
        if let v = env["NOTIFYME_SMTP_URL"] { email.smtpURL = v }
        if let v = env["NOTIFYME_LOG_LEVEL"], !v.isEmpty { logLevel = v }
        if let v = env["NOTIFYME_LOG_FORMAT"], !v.isEmpty {
            guard let format = LogFormat(rawValue: v) else {
                throw .invalid("NOTIFYME_LOG_FORMAT", "must be one of \(LogFormat.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            logFormat = format
        }
        if let v = env["NOTIFYME_ENCRYPTION_KEY"], !v.isEmpty { security.encryptionKey = v }
        http.port = try Self.port(env, "NOTIFYME_HTTP_PORT") ?? http.port
        providers.simulator.port = try Self.port(env, "NOTIFYME_SIMULATOR_PORT") ?? providers.simulator.port
        providers.simulator.http2Port = try Self.port(env, "NOTIFYME_SIMULATOR_HTTP2_PORT") ?? providers.simulator.http2Port
    }

    private static func port(_ env: [String: String], _ name: String) throws(ConfigError) -> Int? {
        guard let v = env[name], !v.isEmpty else { return nil }
        guard let port = Int(v), (0...65535).contains(port) else {
            throw .invalid(name, "must be a port number from 0 to 65535, got '\(v)'")
        }
        return port
    }

    /// Checks what single keys cannot: URL schemes, log levels, combinations.
    func validate() throws(ConfigError) {
        if !redis.url.isEmpty && !["redis://", "redis+cluster://", "unix://"].contains(where: { redis.url.hasPrefix($0) }) {
            throw .invalid("redis.url", "must start with redis://, redis+cluster:// or unix:// (or be empty for the embedded server)")
        }
        if !email.smtpURL.isEmpty && !(email.smtpURL.hasPrefix("smtp://") || email.smtpURL.hasPrefix("smtps://")) {
            throw .invalid("email.smtp", "must start with smtp:// or smtps:// (or be empty for the local outbox)")
        }
        if !http.publicURL.isEmpty && !(http.publicURL.hasPrefix("http://") || http.publicURL.hasPrefix("https://")) {
            throw .invalid("http.publicURL", "must start with http:// or https://")
        }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(logLevel) else { throw .invalid("logLevel", "must be one of \(levels.joined(separator: ", "))") }
        guard !dataDir.isEmpty else { throw .invalid("dataDir", "must not be empty") }
        guard email.from.contains("@") else { throw .invalid("email.from", "must hold an email address") }
        if !security.encryptionKey.isEmpty {
            let decoded = Data(base64Encoded: security.encryptionKey.trimmingCharacters(in: .whitespacesAndNewlines))
            guard decoded?.count == 32 else { throw .invalid("security.encryptionKey", "must be 32 random bytes as base64 (openssl rand -base64 32)") }
        }
    }
}
