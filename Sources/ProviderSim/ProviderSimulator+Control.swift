import Crypto

extension ProviderSimulator {
    /// The provider names: "gateway", "twilio", "fcm", "apns", "webpush".
    public static let providerNames = Provider.allCases.map(\.rawValue)

    /// Replaces a provider's behaviour; its outage windows and throttle window start now.
    public func setBehaviour(_ behaviour: ProviderBehaviour, for provider: String) throws {
        let provider = try Provider.named(provider)
        let now = ContinuousClock.now
        state.withLock { state in
            state.update(provider) { entry in
                entry.behaviour = behaviour
                entry.behaviourSetAt = now
                entry.admitted.removeAll()
            }
        }
    }

    /// Accepted messages per recipient, deduplicated (idempotency key, `apns-id`, Web Push `Topic`).
    public func counts(provider: String) throws -> [String: Int] {
        let provider = try Provider.named(provider)
        return state.withLock { $0[provider].counts }
    }

    /// The accepted messages, oldest first (at most `messageLimit` of them).
    public func messages(provider: String) throws -> [SimulatedMessage] {
        let provider = try Provider.named(provider)
        let limit = max(1, configuration.messageLimit)
        return state.withLock { Array($0[provider].messages.suffix(limit)) }
    }

    /// Makes later sends to `recipient` fail as a dead one would: FCM 404 UNREGISTERED, APNs 410,
    /// Web Push 410; for SMS providers the receipt reports a failure.
    public func markDead(provider: String, recipient: String) throws {
        let provider = try Provider.named(provider)
        state.withLock { state in state.update(provider) { _ = $0.dead.insert(recipient) } }
    }

    /// Creates a Web Push subscription as a browser would: a P-256 key pair and a 16-byte auth secret.
    /// With `applicationServerKey` (uncompressed P-256, 65 bytes), only that VAPID key may send.
    public func createWebPushSubscription(applicationServerKey: [UInt8]? = nil) -> WebPushSubscription {
        let id = RandomText.token(bytes: 18)
        let endpoint = baseURL + "/webpush/" + id
        let privateKey = P256.KeyAgreement.PrivateKey()
        var generator = SystemRandomNumberGenerator()
        let auth = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let stored = StoredSubscription(id: id, privateKey: privateKey, authSecret: auth, applicationServerKey: applicationServerKey, endpoint: endpoint)
        state.withLock { $0.subscriptions[id] = stored }
        return WebPushSubscription(
            endpoint: endpoint, p256dh: Base64URL.encode(privateKey.publicKey.x963Representation), auth: Base64URL.encode(auth)
        )
    }

    /// FCM access tokens granted so far (shows whether a client caches its token).
    public var tokenGrants: Int { state.withLock { $0.tokenGrants } }

    /// Distinct valid APNs provider tokens seen so far (shows whether a client reuses its JWT).
    public var apnsProviderTokens: Int { state.withLock { $0.providerTokens.count } }

    /// Batch requests the SMS gateway served (`POST /sms/v1/messages/batch`), and the messages they carried.
    public var gatewayBatches: (requests: Int, messages: Int) {
        state.withLock { ($0.gatewayBatches, $0.gatewayBatchedMessages) }
    }

    func countBatch(of messages: Int) {
        state.withLock {
            $0.gatewayBatches += 1
            $0.gatewayBatchedMessages += messages
        }
    }

    /// Forgets messages, counts, dead recipients, subscriptions and the counters above, and
    /// restores the configured behaviours. Granted access tokens stay valid.
    public func reset() {
        let now = ContinuousClock.now
        state.withLock { state in
            for provider in Provider.allCases {
                let behaviour = configuration.behaviours[provider.rawValue] ?? ProviderBehaviour()
                state.providers[provider] = ProviderState(behaviour: behaviour, now: now)
            }
            state.subscriptions.removeAll()
            state.tokenGrants = 0
            state.gatewayBatches = 0
            state.gatewayBatchedMessages = 0
            state.providerTokens.removeAll()
        }
    }
}
