/// Delivery-receipt callbacks for one accepted SMS, posted in order.
struct ReceiptJob: Sendable {
    /// How a callback is signed; computed when it is sent, so timestamps are fresh on retries.
    enum Signing: Sendable {
        /// `X-Gateway-Signature: t=…,v1=…` over the raw body.
        case gateway(secret: String)
        /// `X-Twilio-Signature` over the URL and the sorted form parameters; the idempotency
        /// token (`I-Twilio-Idempotency-Token`) stays the same across retries.
        case twilio(authToken: String, parameters: [(name: String, value: String)], idempotencyToken: String)
    }

    /// One callback.
    struct Post: Sendable {
        /// Wait before sending, counted from the previous post (or from acceptance).
        var delay: Duration
        var url: String
        var contentType: String
        var body: [UInt8]
        var signing: Signing
    }

    var provider: Provider
    var posts: [Post]
    /// A single JSON receipt that may go out with others for the same URL (``ReceiptBatcher``).
    var batchable = false
}
