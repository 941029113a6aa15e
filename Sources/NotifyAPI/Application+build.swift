import Hummingbird
import Logging
import NIOCore
import NotifyConfig
import NotifyStore
import ServiceLifecycle

/// The router with every route of the API contract that exists so far.
public func buildRouter(_ deps: APIDependencies) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    // Outside the problem middleware, so it records the status each error was answered with.
    router.add(middleware: MetricsMiddleware())
    router.add(middleware: AccessLogMiddleware())
    router.add(middleware: ProblemMiddleware())
    HealthController(redis: deps.redis, workers: deps.health).register(on: router)
    MetricsController(redis: deps.redis, registry: deps.metrics, partitions: deps.partitions).register(on: router)
    StaticController().register(on: router)

    let entity = router.group("v1").add(middleware: EntityAuthMiddleware(keys: EntityKeyStore(redis: deps.redis),
                                                                         limiter: RateLimiter(redis: deps.redis), limits: deps.publishing))
    let window = Int(deps.publishing.idempotencyWindow.components.seconds)
    EventsController(events: EventStore(redis: deps.redis, retention: deps.notifications.retention), idempotency: IdempotencyStore(redis: deps.redis, ttlSeconds: window),
                     catalogue: deps.catalogue, templates: deps.templates, limits: deps.publishing).register(on: entity)
    TemplatesController(catalogue: deps.catalogue, templates: deps.templates).register(on: entity)
    CallbackController(callbacks: CallbackStore(redis: deps.redis, cipher: deps.cipher), queue: CallbackQueue(redis: deps.redis)).register(on: entity)
    NotificationsController(notifications: NotificationStore(redis: deps.redis), events: EventStore(redis: deps.redis),
                            query: NotificationQuery(redis: deps.redis)).register(on: entity)

    let me = router.group("v1/me").add(middleware: ResidentAuthMiddleware(verifier: deps.verifier))
    let contacts = ContactStore(redis: deps.redis, cipher: deps.cipher)
    let subscriptions = SubscriptionStore(redis: deps.redis)
    let r = deps.residents
    let registration = ContactRegistration(
        redis: deps.redis, contacts: contacts,
        verification: VerificationStore(redis: deps.redis, cipher: deps.cipher, lifetime: r.codeLifetime, maxTries: r.maxCodeAttempts,
                                        maxSends: r.maxCodeSends, window: r.resendWindow),
        events: EventStore(redis: deps.redis), catalogue: deps.catalogue)
    MeController(contacts: contacts, registration: registration, subscriptions: subscriptions,
                 devices: DeviceStore(redis: deps.redis, cipher: deps.cipher), eraser: ResidentEraser(redis: deps.redis),
                 catalogue: deps.catalogue).register(on: me)
    SubscriptionsController(subscriptions: subscriptions, ledger: ConsentLedger(redis: deps.redis), contacts: contacts,
                            catalogue: deps.catalogue).register(on: me)
    MyNotificationsController(redis: deps.redis, notifications: NotificationStore(redis: deps.redis)).register(on: me)
    TopicsController(topics: TopicStore(redis: deps.redis), contacts: contacts, catalogue: deps.catalogue).register(on: me)
    DevicesController(devices: DeviceStore(redis: deps.redis, cipher: deps.cipher), maxDevices: deps.residents.maxDevices).register(on: me)
    let admin = router.group("v1/admin").add(middleware: StaffAuthMiddleware(verifier: deps.verifier))
    AdminController(notifications: NotificationStore(redis: deps.redis), failures: FailureQuery(redis: deps.redis),
                    replay: FailureReplay(redis: deps.redis, cipher: deps.cipher, catalogue: deps.catalogue, templates: deps.templates,
                                          partitions: deps.partitions),
                    jobs: ReplayJobStore(redis: deps.redis), audit: AuditLog(redis: deps.redis), catalogue: deps.catalogue).register(on: admin)
    ReceiptsController(providers: Dictionary(deps.smsProviders.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a }),
                       publicURL: deps.publicURL, replayWindow: deps.notifications.receiptReplayWindow, redis: deps.redis,
                       index: ProviderMessageIndex(redis: deps.redis), outcomes: DeliveryOutcomes(redis: deps.redis)).register(on: router)
    UnsubscribeController(links: UnsubscribeLinks(cipher: deps.cipher, baseURL: ""), subscriptions: subscriptions, contacts: contacts,
                          catalogue: deps.catalogue).register(on: router)
    return router
}

/// The HTTP application on the configured address, running `services` (the workers) beside it.
public func buildApplication(config: NotifyConfiguration, dependencies: APIDependencies, services: [any Service] = [],
                             logger: Logger) -> some ApplicationProtocol {
    let limits = config.http
    return Application(
        router: buildRouter(dependencies),
        server: .http1(configuration: .init(
            additionalChannelHandlers: [RequestLimitHandler(requestTimeout: limits.requestTimeout, maxBodyBytes: limits.maxBodyBytes)],
            idleTimeout: TimeAmount(limits.idleTimeout),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: limits.maxHeaderBytes, maxHeaderListSize: limits.maxHeaderBytes,
                                            maxHeaderFieldCount: limits.maxHeaderCount)
        )),
        configuration: .init(address: .hostname(config.http.host, port: config.http.port), serverName: "NotifyMe"),
        services: services,
        logger: logger
    )
}
