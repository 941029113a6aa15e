import JWTKit
import NotifyConfig
import NotifyCore
import NotifyStore
import Prometheus
import Redis

/// What the HTTP layer needs, built once; tests build it against their own Redis.
public struct APIDependencies: Sendable {
    public let redis: RedisClient
    public let catalogue: EventCatalogue
    public let templates: TemplateSet
    public let verifier: IdentityVerifier
    public let cipher: FieldCipher
    public let residents: NotifyConfiguration.Residents
    public let publishing: NotifyConfiguration.Publishing
    public let notifications: NotifyConfiguration.Notifications
    /// SMS providers, whose receipts /v1/receipts/{provider} takes.
    public let smsProviders: [ProviderSettings]
    /// How providers reach this API (Twilio signs receipts over it).
    public let publicURL: String
    /// What GET /metrics serves: the registry the process's metrics factory writes to.
    public let metrics: PrometheusCollectorRegistry
    /// The workers running in this process, for GET /health/ready (none in an API-only process).
    public let health: WorkerHealth
    /// Streams per channel queue (`workers.partitions`): where a replay queues, what /metrics adds up.
    public var partitions = 1

    public init(redis: RedisClient, catalogue: EventCatalogue, templates: TemplateSet, verifier: IdentityVerifier,
                cipher: FieldCipher, residents: NotifyConfiguration.Residents = .init(), publishing: NotifyConfiguration.Publishing = .init(),
                notifications: NotifyConfiguration.Notifications = .init(), smsProviders: [ProviderSettings] = [], publicURL: String = "",
                metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(), health: WorkerHealth = WorkerHealth()) {
        self.redis = redis
        self.catalogue = catalogue
        self.templates = templates
        self.verifier = verifier
        self.cipher = cipher
        self.residents = residents
        self.publishing = publishing
        self.notifications = notifications
        self.smsProviders = smsProviders
        self.publicURL = publicURL
        self.metrics = metrics
        self.health = health
    }

    /// Loads the catalogue, templates and trusted identity keys named by `config`.
    public static func make(config: NotifyConfiguration, redis: RedisClient,
                            metrics: PrometheusCollectorRegistry = PrometheusCollectorRegistry(),
                            health: WorkerHealth = WorkerHealth()) async throws -> APIDependencies {
        let catalogue = try CatalogueLoader.load(path: config.cataloguePath)
        let templates = try TemplateLoader.load(directory: config.templatesPath)
        try TemplateLoader.check(templates, against: catalogue)
        let keys = try await IdentityKeys.load(config)
        let verifier = IdentityVerifier(keys: keys, issuer: config.identity.issuer, audience: config.identity.audience,
                                        clockSkew: config.identity.clockSkew)
        let cipher = try FieldCipher.load(key: config.security.encryptionKey, keyFile: config.encryptionKeyPath)
        var deps = APIDependencies(redis: redis, catalogue: catalogue, templates: templates, verifier: verifier, cipher: cipher,
                                   residents: config.residents, publishing: config.publishing, notifications: config.notifications,
                                   smsProviders: config.providers.sms, publicURL: config.publicURL, metrics: metrics, health: health)
        deps.partitions = config.workers.partitions
        return deps
    }
}
