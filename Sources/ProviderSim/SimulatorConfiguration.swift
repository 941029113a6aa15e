/// Where the simulator listens, where its credentials live and how each provider behaves.
public struct SimulatorConfiguration: Sendable {
    /// The address both listeners bind.
    public var host: String
    /// The HTTP/1.1 port (SMS gateway, Twilio, FCM, Web Push, `/_sim/`); 0 picks a free one.
    public var port: Int
    /// The cleartext HTTP/2 (prior knowledge) port for APNs; 0 picks a free one.
    public var http2Port: Int
    /// When set, credentials are loaded from files here, or generated and written there
    /// (`fcm-service-account.json`, `apns-key.p8`, `simulator.json`).
    public var credentialsDirectory: String?
    /// Behaviour per provider name: "gateway", "twilio", "fcm", "apns", "webpush".
    public var behaviours: [String: ProviderBehaviour]
    /// How long after accepting an SMS its delivery receipt is posted.
    public var receiptDelay: Duration
    /// Most receipts the SMS gateway puts in one callback, as `{"receipts": [...]}`: those falling due within 25 ms
    /// of each other go together. 1 posts each receipt on its own, as the bare object.
    public var gatewayReceiptBatch: Int
    /// Lifetime of FCM OAuth access tokens (`expires_in`).
    public var fcmTokenLifetime: Duration
    /// Messages kept per provider for ``ProviderSimulator/messages(provider:)``; counts stay exact beyond it.
    public var messageLimit: Int

    /// Creates a configuration; the defaults suit tests (loopback, free ports, fresh credentials).
    public init(
        host: String = "127.0.0.1", port: Int = 0, http2Port: Int = 0, credentialsDirectory: String? = nil,
        behaviours: [String: ProviderBehaviour] = [:], receiptDelay: Duration = .milliseconds(200), gatewayReceiptBatch: Int = 100,
        fcmTokenLifetime: Duration = .seconds(3599), messageLimit: Int = 10_000
    ) {
        self.host = host
        self.port = port
        self.http2Port = http2Port
        self.credentialsDirectory = credentialsDirectory
        self.behaviours = behaviours
        self.receiptDelay = receiptDelay
        self.gatewayReceiptBatch = gatewayReceiptBatch
        self.fcmTokenLifetime = fcmTokenLifetime
        self.messageLimit = messageLimit
    }
}
