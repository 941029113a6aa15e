import NotifyCore

/// How a channel worker retries and when it gives up.
public struct DeliverySettings: Sendable {
    /// Attempts on one channel before the delivery fails (and, past fallback, goes to the dead letters).
    public var maxAttempts: Int
    public var backoff: Backoff
    /// A send started longer ago than this is taken to be dead (its worker stopped mid-call).
    public var lease: Duration
    /// How long a `sent` notification waits for its provider's receipt before it is `expired`.
    public var receiptTimeout: Duration

    public init(maxAttempts: Int = 5, backoff: Backoff = Backoff(), lease: Duration = .seconds(60), receiptTimeout: Duration = .seconds(86_400)) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.lease = lease
        self.receiptTimeout = receiptTimeout
    }
}
