import Hummingbird

extension GatewayRoutes {
    /// Messages one batch request may carry.
    static let batchLimit = 1000

    /// `{"messages": [{to, text, reference?, callbackUrl?, idempotencyKey?}, ...]}`, answered 200 with one result per
    /// message, in order: `{"id", "status": "accepted"}`, or `{"status": "rejected", "error": {code, message}}` (with
    /// `retryAfter` seconds when throttled). Each message is admitted, throttled, failed and deduplicated on its own, as
    /// if sent alone; an outage or a wrong key refuses the whole request.
    func sendBatch(_ request: Request) async throws -> Response {
        if let refusal = try await refusal(of: request) { return refusal }
        guard let bytes = await SimResponse.body(of: request, limit: 16 << 20), let items = GatewayMessage.batch(bytes) else {
            return Self.error(400, "invalid_request", "The body must be a JSON object with a 'messages' array.")
        }
        guard (1...Self.batchLimit).contains(items.count) else {
            return Self.error(400, "invalid_request", "'messages' must hold 1 to \(Self.batchLimit) messages.")
        }
        simulator.countBatch(of: items.count)
        var memo = GatewayRequestMemo()
        let results: [JSON] = items.map { item in
            let outcome: GatewayOutcome = if let item {
                accept(item, key: item.idempotencyKey, memo: &memo)
            } else {
                .refused(.init(status: 400, code: "invalid_request", message: "Each message must be a JSON object."))
            }
            switch outcome {
            case .accepted(let message, _):
                return ["id": .string(message.messageId), "status": "accepted"]
            case .refused(let refusal):
                var members: [String: JSON] = ["status": "rejected", "error": ["code": .string(refusal.code), "message": .string(refusal.message)]]
                if let wait = refusal.retryAfter { members["retryAfter"] = .int(wait) }
                return .object(members)
            }
        }
        return SimResponse.json(200, ["results": .array(results)])
    }
}
