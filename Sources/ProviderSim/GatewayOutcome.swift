/// What the gateway made of one message: accepted (`new`, or found again by its idempotency key), or refused.
enum GatewayOutcome {
    /// A refusal as the single-message resource answers it: an HTTP status, an error code, and a wait for throttling.
    struct Refusal {
        let status: Int
        let code: String
        let message: String
        var retryAfter: Int? = nil
    }

    case accepted(SimulatedMessage, new: Bool)
    case refused(Refusal)
}
