/// Delivery providers, failover and retry settings, and the embedded provider simulator.
public struct ProvidersConfiguration: Sendable {
    public struct Simulator: Sendable {
        public enum Mode: String, Sendable, CaseIterable { case auto, on, off }
        /// `auto`: `notifyme run` starts it when no SMS or push provider is configured, and sends through it.
        public var mode: Mode = .auto
        public var port: Int = 8090
        /// The HTTP/2 (APNs) listener.
        public var http2Port: Int = 8091
    }

    public struct Failover: Sendable {
        public var window: Duration = .seconds(30)
        public var threshold: Double = 0.5
        public var minimumRequests: Int = 10
        public var cooldown: Duration = .seconds(10)
        public var recovery: Duration = .seconds(60)
    }

    public struct Retry: Sendable {
        /// The delay before the first retry; doubles each attempt, with jitter.
        public var base: Duration = .seconds(2)
        public var cap: Duration = .seconds(600)
    }

    public var sms: [ProviderSettings] = []
    /// Empty: the `email` section's SMTP server (or the outbox) is the only email provider.
    public var email: [ProviderSettings] = []
    public var push: [ProviderSettings] = []
    public var failover = Failover()
    public var retry = Retry()
    public var simulator = Simulator()

    /// Whether `notifyme run` starts the simulator and sends SMS and push through it.
    public var usesSimulator: Bool {
        switch simulator.mode {
        case .on: true
        case .off: false
        case .auto: sms.isEmpty && push.isEmpty
        }
    }
}
