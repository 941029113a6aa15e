/// A send that would still be waiting for its provider's rate limit a quarter into its lease: it is not made, since the
/// call and its record must be done well before the lease lapses and another worker may take the send over. The
/// notification goes back to the queue for later.
struct RateLimitDeferred: Error, Sendable {
    let provider: String
}
