import NotifyCore

/// How the callback worker posts, retries and gives up.
public struct CallbackSettings: Sendable {
    public var concurrency: Int
    public var timeout: Duration
    public var maxAttempts: Int
    public var suspendAfter: Int
    public var backoff: Backoff

    public init(concurrency: Int = 16, timeout: Duration = .seconds(5), maxAttempts: Int = 8, suspendAfter: Int = 20,
                backoff: Backoff = Backoff(base: .seconds(1), cap: .seconds(600))) {
        self.concurrency = concurrency
        self.timeout = timeout
        self.maxAttempts = maxAttempts
        self.suspendAfter = suspendAfter
        self.backoff = backoff
    }
}
