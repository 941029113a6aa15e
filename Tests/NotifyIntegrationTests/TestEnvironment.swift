import Foundation
import HTTPTypes
import Logging
import NIOCore
import NotifyAPI
import NotifyConfig
import NotifyCore
import NotifyStore
import NotifyTestSupport
import NotifyWorkers
import Redis
import Transport

/// A configured NotifyMe against a throwaway redis-server: configuration, client, API dependencies.
struct TestEnvironment {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path

    let redisServer: RedisServer
    let config: NotifyConfiguration
    let redis: RedisClient
    let deps: APIDependencies
    let logger: Logger

    init(smtpURL: String = "", yaml extra: String = "") async throws {
        redisServer = try RedisServer.start()
        let dataDir = try Loopback.temporaryDirectory("nm-data").path
        config = try NotifyConfiguration.parse(yaml: """
            http: {host: 127.0.0.1, port: 0}
            catalogue: \(Self.root)/Config/events.yaml
            templates: \(Self.root)/Templates
            workers: {visibilityTimeout: 5s, maxAttempts: 3}
            \(extra)
            """, environment: ["NOTIFYME_REDIS_URL": redisServer.url, "NOTIFYME_DATA_DIR": dataDir, "NOTIFYME_SMTP_URL": smtpURL])
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        self.logger = logger
        // Held to the cluster's rule on this one server: a command or MULTI block whose keys span slots fails the test.
        var redisConfiguration = try RedisConfiguration(url: config.effectiveRedisURL)
        redisConfiguration.checksSlots = true
        redis = RedisClient(configuration: redisConfiguration, poolSize: 4, logger: logger)
        deps = try await APIDependencies.make(config: config, redis: redis)
    }

    func stop() {
        redis.close()
        redisServer.stop()
    }

    /// A new entity key allowed to publish `patterns`.
    func entityKey(_ entity: String = "moi.passports", patterns: String = "identity.*,traffic.*") async throws -> String {
        try await EntityKeyStore(redis: redis).create(entity: entity, patterns: try EventPattern.list(patterns)).secret
    }

    /// A resident token signed by the development key this configuration trusts.
    func residentToken(_ cpr: String, issuer: String? = nil, audience: String? = nil, lifetime: TimeInterval = 3600) async throws -> String {
        let key = try DevIdentityKey.loadOrCreate(path: config.devKeyPath)
        return try await DevIdentityKey.sign(subject: cpr, key: key, issuer: issuer ?? config.identity.issuer,
                                             audience: audience ?? config.identity.audience, lifetime: lifetime)
    }
}

extension TestEnvironment {
    /// A staff token with `role` (operator or auditor), signed by the development key.
    func staffToken(_ id: String, role: String) async throws -> String {
        let key = try DevIdentityKey.loadOrCreate(path: config.devKeyPath)
        return try await DevIdentityKey.sign(subject: id, roles: [role], key: key, issuer: config.identity.issuer,
                                             audience: config.identity.audience, lifetime: 3600)
    }
}

/// Request helpers for the Hummingbird test client.
enum Req {
    static func headers(_ token: String?, idempotencyKey: String? = nil) -> HTTPFields {
        var h: HTTPFields = [.contentType: "application/json"]
        if let token { h[.authorization] = "Bearer \(token)" }
        if let idempotencyKey, let name = HTTPField.Name("Idempotency-Key") { h[name] = idempotencyKey }
        return h
    }

    static func body(_ json: String) -> ByteBuffer { ByteBuffer(string: json) }

    static func json(_ buffer: ByteBuffer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: Any]) ?? [:]
    }

    static let expiryEvent = """
        {"type":"identity.document-expiry","reference":"P-100","recipients":["880101234"],
         "data":{"name":"Fatima","document":"passport","expiryDate":"2026-12-24","reference":"P-100"}}
        """
}
