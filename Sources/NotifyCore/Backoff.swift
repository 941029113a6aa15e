/// Exponential backoff with jitter for delivery retries.
public struct Backoff: Sendable, Equatable {
    /// The delay before the first retry, before jitter.
    public var base: Duration
    /// No delay grows past this.
    public var cap: Duration

    public init(base: Duration = .seconds(2), cap: Duration = .seconds(600)) {
        self.base = base
        self.cap = cap
    }

    /// The delay before retry number `attempt` (1 for the first): half of base·2^(attempt-1), plus a random half,
    /// so that many failures at once do not all come back at the same instant. A provider's Retry-After wins
    /// when it is longer, even past the cap: sending earlier than it asked would only be refused again.
    public func delay(attempt: Int, retryAfter: Duration? = nil, random: Double = Double.random(in: 0..<1)) -> Duration {
        let exponent = min(max(attempt - 1, 0), 30)
        let full = min(base * (1 << exponent), cap)
        let jittered = full / 2 + full * (random / 2)
        guard let retryAfter else { return jittered }
        return max(jittered, retryAfter)
    }
}
