/// When a failing provider loses its share of traffic, and how it wins it back.
public struct FailoverSettings: Sendable, Equatable {
    /// Outcomes older than this no longer count.
    public var window: Duration
    /// The failure ratio within the window that trips a provider.
    public var threshold: Double
    /// Fewer outcomes than this in the window never trip a provider.
    public var minimumRequests: Int
    /// How long a tripped provider gets no traffic before it is probed.
    public var cooldown: Duration
    /// How long a recovered provider takes to regain its full share.
    public var recovery: Duration

    public init(window: Duration = .seconds(30), threshold: Double = 0.5, minimumRequests: Int = 10,
                cooldown: Duration = .seconds(10), recovery: Duration = .seconds(60)) {
        self.window = window
        self.threshold = threshold
        self.minimumRequests = minimumRequests
        self.cooldown = cooldown
        self.recovery = recovery
    }
}
