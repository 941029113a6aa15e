import Crypto

/// Everything the simulator changes while running; only touched inside ``ProviderSimulator/state``'s lock.
struct SimState: Sendable {
    var providers: [Provider: ProviderState]
    /// Web Push subscriptions by id.
    var subscriptions: [String: StoredSubscription] = [:]
    /// FCM access tokens and when they expire.
    var accessTokens: [String: ContinuousClock.Instant] = [:]
    var tokenGrants = 0
    /// Batch requests the SMS gateway served, and the messages they carried.
    var gatewayBatches = 0
    var gatewayBatchedMessages = 0
    /// Distinct valid APNs provider tokens (JWTs) seen.
    var providerTokens: Set<String> = []
    var http1Port: Int?
    var http2Port: Int?
    var isRunning = false
    /// Why `run()` ended before both listeners were bound.
    var startupFailure: SimulatorError?
    /// Where handlers queue receipts while `run()` runs.
    var receipts: AsyncStream<ReceiptJob>.Continuation?

    init(behaviours: [String: ProviderBehaviour], now: ContinuousClock.Instant) {
        var providers: [Provider: ProviderState] = [:]
        for provider in Provider.allCases {
            providers[provider] = ProviderState(behaviour: behaviours[provider.rawValue] ?? ProviderBehaviour(), now: now)
        }
        self.providers = providers
    }

    /// The state of `provider`; every provider has one from `init`.
    subscript(provider: Provider) -> ProviderState {
        providers[provider] ?? ProviderState(behaviour: ProviderBehaviour(), now: .now)
    }

    /// Changes the state of `provider` in place (no copy of its message list).
    mutating func update<Result>(_ provider: Provider, _ body: (inout ProviderState) -> Result) -> Result {
        body(&providers[provider, default: ProviderState(behaviour: ProviderBehaviour(), now: .now)])
    }
}

/// A Web Push subscription with the private half the simulator decrypts with.
struct StoredSubscription: Sendable {
    let id: String
    let privateKey: P256.KeyAgreement.PrivateKey
    let authSecret: [UInt8]
    /// When set, VAPID `k` must equal it (the subscription was made with `applicationServerKey`).
    let applicationServerKey: [UInt8]?
    let endpoint: String
}
