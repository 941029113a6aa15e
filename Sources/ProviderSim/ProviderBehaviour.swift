/// How one simulated provider misbehaves. The default is a fast, healthy provider.
///
/// JSON (for `PUT /_sim/providers/{name}`) uses the property names; every field is optional.
public struct ProviderBehaviour: Sendable, Codable, Equatable {
    /// A span of time, relative to when the behaviour was set, during which every request gets a 503.
    public struct OutageWindow: Sendable, Codable, Equatable {
        /// Milliseconds after the behaviour was set.
        public var startMs: Int
        /// How long the outage lasts, in milliseconds.
        public var durationMs: Int

        /// Creates a window.
        public init(startMs: Int, durationMs: Int) {
            self.startMs = startMs
            self.durationMs = durationMs
        }
    }

    /// Milliseconds to wait before answering each request.
    public var latencyMs: Int
    /// Share of requests (0...1) answered with the provider's kind of 5xx.
    public var failureRate: Double
    /// Requests accepted per rolling second; beyond it 429 with `Retry-After: 1`. Nil: no limit.
    public var maxPerSecond: Int?
    /// Every request gets a 503.
    public var outage: Bool
    /// Outages relative to when this behaviour was set.
    public var outageWindows: [OutageWindow]
    /// Share of accepted SMS (0...1) whose receipt reports a failure.
    public var failedReceiptRate: Double
    /// Whether SMS providers post delivery receipts at all.
    public var receipts: Bool

    /// Creates a behaviour; the defaults describe a healthy provider.
    public init(
        latencyMs: Int = 0, failureRate: Double = 0, maxPerSecond: Int? = nil, outage: Bool = false,
        outageWindows: [OutageWindow] = [], failedReceiptRate: Double = 0, receipts: Bool = true
    ) {
        self.latencyMs = latencyMs
        self.failureRate = failureRate
        self.maxPerSecond = maxPerSecond
        self.outage = outage
        self.outageWindows = outageWindows
        self.failedReceiptRate = failedReceiptRate
        self.receipts = receipts
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        self.init(
            latencyMs: try c.decodeIfPresent(Int.self, forKey: .latencyMs) ?? 0,
            failureRate: try c.decodeIfPresent(Double.self, forKey: .failureRate) ?? 0,
            maxPerSecond: try c.decodeIfPresent(Int.self, forKey: .maxPerSecond),
            outage: try c.decodeIfPresent(Bool.self, forKey: .outage) ?? false,
            outageWindows: try c.decodeIfPresent([OutageWindow].self, forKey: .outageWindows) ?? [],
            failedReceiptRate: try c.decodeIfPresent(Double.self, forKey: .failedReceiptRate) ?? 0,
            receipts: try c.decodeIfPresent(Bool.self, forKey: .receipts) ?? true
        )
    }
}
