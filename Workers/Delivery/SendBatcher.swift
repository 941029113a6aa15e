/// Gathers one provider's concurrent sends into batch requests (see ``Batcher``).
typealias SendBatcher = Batcher<OutboundMessage, Result<ProviderAcceptance, ProviderError>>

extension Batcher where Input == OutboundMessage, Output == Result<ProviderAcceptance, ProviderError> {
    /// Sends `messages` in one request; one outcome per message, in order.
    convenience init(maxBatch: Int, maxInFlight: Int = 4, perform: @escaping Perform) {
        self.init(maxBatch: maxBatch, maxInFlight: maxInFlight, perform: perform) { answered, asked in
            .failure(.transient("the provider answered \(answered) results for \(asked) messages"))
        }
    }

    /// Sends `message` alone or with others; the outcome is this message's own.
    func send(_ message: OutboundMessage) async -> Outcome {
        await submit(message)
    }
}
