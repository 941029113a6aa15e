/// A send that would still be waiting for its provider's rate limit at half its lease: it is not made, since another
/// worker may take the send over once the lease lapses. The notification goes back to the queue for later.
struct RateLimitDeferred: Error, Sendable {
    let provider: String
}
