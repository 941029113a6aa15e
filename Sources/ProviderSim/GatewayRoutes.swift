import Foundation
import Hummingbird

/// The generic SMS gateway: `POST /sms/v1/messages` (one message) and `POST /sms/v1/messages/batch` (several), with a
/// bearer API key, JSON in and out.
struct GatewayRoutes {
    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("sms/v1/messages") { request, _ in try await send(request) }
        router.post("sms/v1/messages/batch") { request, _ in try await sendBatch(request) }
    }

    func send(_ request: Request) async throws -> Response {
        if let refusal = try await refusal(of: request) { return refusal }
        guard let bytes = await SimResponse.body(of: request), let json = JSON.parse(bytes), json.object != nil else {
            return Self.error(400, "invalid_request", "The body must be a JSON object.")
        }
        var memo = GatewayRequestMemo()
        switch accept(GatewayMessage(json), key: request.headers.value("Idempotency-Key"), memo: &memo) {
        case .accepted(let message, let new):
            return SimResponse.json(new ? 202 : 200, ["id": .string(message.messageId), "status": "accepted"])
        case .refused(let refusal):
            return Self.error(refusal.status, refusal.code, refusal.message,
                              headers: refusal.retryAfter.map { [("Retry-After", String($0))] } ?? [])
        }
    }

    /// What the whole request meets before any message is read: the latency, an outage, the API key.
    func refusal(of request: Request) async throws -> Response? {
        try await simulator.applyLatency(.gateway)
        if simulator.isInOutage(.gateway) {
            return Self.error(503, "service_unavailable", "The gateway is temporarily unavailable.")
        }
        guard request.headers.value("Authorization") == "Bearer \(simulator.baseCredentials.gateway.apiKey)" else {
            return Self.error(401, "unauthorized", "Missing or invalid API key.")
        }
        return nil
    }

    /// Checks, admits and records one message (`to`, `text`, optional `reference` and `callbackUrl`), deduplicated by `key`;
    /// `memo` carries what the messages of one request share.
    func accept(_ message: GatewayMessage, key: String?, memo: inout GatewayRequestMemo) -> GatewayOutcome {
        guard let to = message.to, let text = message.text, !text.isEmpty else {
            return .refused(.init(status: 400, code: "invalid_request", message: "Fields 'to' and 'text' are required."))
        }
        let callback = message.callbackUrl
        if let callback, !memo.isValidCallback(callback) {
            return .refused(.init(status: 400, code: "invalid_request", message: "Field 'callbackUrl' must be an http(s) URL."))
        }
        guard PhoneNumbers.isDeliverable(to) else {
            return .refused(.init(status: 400, code: "invalid_number", message: "The number is not a valid, reachable E.164 number."))
        }
        switch simulator.admit(.gateway) {
        case .throttled: return .refused(.init(status: 429, code: "rate_limited", message: "Too many requests.", retryAfter: 1))
        case .failure: return .refused(.init(status: 500, code: "internal_error", message: "The gateway failed to accept the message."))
        case .pass: break
        }
        let simulated = SimulatedMessage(
            provider: Provider.gateway.rawValue, recipient: to, text: text,
            idempotencyKey: key, messageId: "gw-" + MessageIDs.next().uuidString.lowercased()
        )
        switch simulator.record(simulated, for: .gateway, key: key) {
        case .duplicate(let earlier):
            return .accepted(earlier, new: false)
        case .accepted:
            if let callback { scheduleReceipt(for: simulated, reference: message.reference, callback: callback, memo: &memo) }
            return .accepted(simulated, new: true)
        }
    }

    /// One JSON callback after the receipt delay (gathered with others when the gateway batches its receipts); dead
    /// numbers and the failed share report "failed".
    private func scheduleReceipt(for message: SimulatedMessage, reference: String?, callback: String, memo: inout GatewayRequestMemo) {
        let behaviour = simulator.behaviour(.gateway)
        guard behaviour.receipts else { return }
        let error: String? = if simulator.isDead(.gateway, message.recipient) {
            "unknown_subscriber"
        } else if behaviour.failedReceiptRate > 0 && Double.random(in: 0..<1) < behaviour.failedReceiptRate {
            "delivery_failed"
        } else {
            nil
        }
        let at = memo.receiptTime(delay: simulator.configuration.receiptDelay)
        let body = Self.receiptBody(id: message.messageId, reference: reference, status: error == nil ? "delivered" : "failed", error: error, at: at)
        let post = ReceiptJob.Post(
            delay: simulator.configuration.receiptDelay, url: callback, contentType: "application/json",
            body: body, signing: .gateway(secret: simulator.baseCredentials.gateway.webhookSecret)
        )
        simulator.enqueue(ReceiptJob(provider: .gateway, posts: [post], batchable: simulator.configuration.gatewayReceiptBatch > 1))
    }

    /// A receipt's JSON as ``JSON/write(to:)`` writes the object `{id, reference, status, error, at}` (keys sorted, a
    /// missing value as null), without building the object: one is written for every message.
    static func receiptBody(id: String, reference: String?, status: String, error: String?, at: String) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(128 + id.utf8.count + (reference?.utf8.count ?? 0))
        func member(_ name: StaticString, _ value: String?) {
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            if let value { JSON.quote(value, to: &out) } else { out.append(contentsOf: "null".utf8) }
        }
        member(#"{"at":"#, at)
        member(#","error":"#, error)
        member(#","id":"#, id)
        member(#","reference":"#, reference)
        member(#","status":"#, status)
        out.append(UInt8(ascii: "}"))
        return out
    }

    static func error(_ status: Int, _ code: String, _ message: String, headers: [(String, String)] = []) -> Response {
        SimResponse.json(status, ["error": ["code": .string(code), "message": .string(message)]], headers: headers)
    }
}
