import Synchronization

/// The providers that serve one channel (or one push platform), chosen by weight, with failing ones
/// losing their share to the others until they recover (see ``ProviderHealth``).
public final class ProviderPool: Sendable {
    /// One provider in the pool.
    public struct Member: Sendable {
        public let adapter: any ProviderAdapter
        public let weight: Double
        /// Messages per second across every process, or nil for no limit.
        public let ratePerSecond: Double?
        /// Where this process's sends wait for the rate, when there is one.
        let turns: RateTurns?

        public init(adapter: any ProviderAdapter, weight: Double = 1, ratePerSecond: Double? = nil) {
            self.adapter = adapter
            self.weight = weight
            self.ratePerSecond = ratePerSecond
            self.turns = ratePerSecond == nil ? nil : RateTurns()
        }

        public var name: String { adapter.name }
    }

    public let members: [Member]
    private let health: Mutex<[ProviderHealth]>
    private let clock = ContinuousClock()
    private let origin: ContinuousClock.Instant

    public init(_ members: [Member], failover: FailoverSettings = .init()) {
        self.members = members
        let settings = ProviderHealth.Settings(window: failover.window, threshold: failover.threshold, minimumRequests: failover.minimumRequests,
                                               cooldown: failover.cooldown, recovery: failover.recovery)
        self.health = Mutex(members.map { _ in ProviderHealth(settings: settings) })
        self.origin = clock.now
    }

    private var now: Double { ProviderHealth.seconds(clock.now - origin) }

    /// Picks a member by weight times health share; when every member is tripped, by weight alone,
    /// since refusing to send helps nobody (the send fails transiently and is retried later).
    public func pick(random: Double = Double.random(in: 0..<1)) -> Member {
        let shares = currentWeights()
        let total = shares.reduce(0, +)
        let weights = total > 0 ? shares : members.map(\.weight)
        let sum = weights.reduce(0, +)
        var target = random * sum
        for (i, w) in weights.enumerated() {
            if target < w { return members[i] }
            target -= w
        }
        return members[members.count - 1]
    }

    /// Each member's effective weight now.
    public func currentWeights() -> [Double] {
        let t = now
        return health.withLock { h in zip(members, h).map { $0.weight * $1.share(now: t) } }
    }

    /// Records the outcome of a send through `name`.
    public func record(_ name: String, success: Bool) {
        guard let i = members.firstIndex(where: { $0.name == name }) else { return }
        let t = now
        health.withLock { $0[i].record(success: success, now: t) }
    }

    /// Whether `name` has tripped and lost its share.
    /// Whether the member named `name` posts delivery receipts.
    public func postsReceipts(_ name: String) -> Bool {
        members.first { $0.name == name }?.adapter.postsReceipts ?? false
    }

    public func isTripped(_ name: String) -> Bool {
        guard let i = members.firstIndex(where: { $0.name == name }) else { return false }
        return health.withLock { $0[i].isTripped }
    }
}
