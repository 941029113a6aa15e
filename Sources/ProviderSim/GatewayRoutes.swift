import Foundation
import Hummingbird

/// The generic SMS gateway: `POST /sms/v1/messages` with a bearer API key, JSON in and out.
struct GatewayRoutes {
    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("sms/v1/messages") { request, _ in try await send(request) }
    }

    func send(_ request: Request) async throws -> Response {
        try await simulator.applyLatency(.gateway)
        if simulator.isInOutage(.gateway) {
            return Self.error(503, "service_unavailable", "The gateway is temporarily unavailable.")
        }
        let credentials = simulator.baseCredentials.gateway
        guard request.headers.value("Authorization") == "Bearer \(credentials.apiKey)" else {
            return Self.error(401, "unauthorized", "Missing or invalid API key.")
        }
        guard let bytes = await SimResponse.body(of: request), let json = JSON.parse(bytes), json.object != nil else {
            return Self.error(400, "invalid_request", "The body must be a JSON object.")
        }
        guard let to = json["to"]?.string, let text = json["text"]?.string, !text.isEmpty else {
            return Self.error(400, "invalid_request", "Fields 'to' and 'text' are required.")
        }
        let callback = json["callbackUrl"]?.string
        if let callback, URL(string: callback)?.scheme?.hasPrefix("http") != true {
            return Self.error(400, "invalid_request", "Field 'callbackUrl' must be an http(s) URL.")
        }
        guard PhoneNumbers.isDeliverable(to) else {
            return Self.error(400, "invalid_number", "The number is not a valid, reachable E.164 number.")
        }
        switch simulator.admit(.gateway) {
        case .throttled: return Self.error(429, "rate_limited", "Too many requests.", headers: [("Retry-After", "1")])
        case .failure: return Self.error(500, "internal_error", "The gateway failed to accept the message.")
        case .pass: break
        }
        let key = request.headers.value("Idempotency-Key")
        let message = SimulatedMessage(
            provider: Provider.gateway.rawValue, recipient: to, text: text,
            idempotencyKey: key, messageId: "gw-" + UUID().uuidString.lowercased()
        )
        switch simulator.record(message, for: .gateway, key: key) {
        case .duplicate(let earlier):
            return SimResponse.json(200, ["id": .string(earlier.messageId), "status": "accepted"])
        case .accepted:
            if let callback { scheduleReceipt(for: message, reference: json["reference"]?.string, callback: callback) }
            return SimResponse.json(202, ["id": .string(message.messageId), "status": "accepted"])
        }
    }

    /// One JSON callback after the receipt delay (gathered with others when the gateway batches its receipts); dead
    /// numbers and the failed share report "failed".
    private func scheduleReceipt(for message: SimulatedMessage, reference: String?, callback: String) {
        let behaviour = simulator.behaviour(.gateway)
        guard behaviour.receipts else { return }
        let error: String? = if simulator.isDead(.gateway, message.recipient) {
            "unknown_subscriber"
        } else if Double.random(in: 0..<1) < behaviour.failedReceiptRate {
            "delivery_failed"
        } else {
            nil
        }
        let body: JSON = [
            "id": .string(message.messageId), "reference": .optional(reference),
            "status": error == nil ? "delivered" : "failed", "error": .optional(error),
            "at": .string(Date().addingTimeInterval(simulator.configuration.receiptDelay.seconds).ISO8601Format()),
        ]
        let post = ReceiptJob.Post(
            delay: simulator.configuration.receiptDelay, url: callback, contentType: "application/json",
            body: body.bytes, signing: .gateway(secret: simulator.baseCredentials.gateway.webhookSecret)
        )
        simulator.enqueue(ReceiptJob(provider: .gateway, posts: [post], batchable: simulator.configuration.gatewayReceiptBatch > 1))
    }

    static func error(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> Response {
        SimResponse.json(status, ["error": ["code": .string(code), "message": .string(message)]], headers: headers)
    }
}
