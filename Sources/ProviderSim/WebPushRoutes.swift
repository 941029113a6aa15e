import Foundation
import Hummingbird

/// A Web Push service (RFC 8030): `POST /webpush/{subscription}` with an `aes128gcm` body and VAPID.
struct WebPushRoutes {
    static let maxPayload = 4096
    static let urgencies: Set = ["very-low", "low", "normal", "high"]

    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("webpush/:id") { request, context in
            try await send(request, subscriptionId: context.parameters.get("id") ?? "")
        }
    }

    func send(_ request: Request, subscriptionId: String) async throws -> Response {
        let headers = request.headers
        try await simulator.applyLatency(.webpush)
        if simulator.isInOutage(.webpush) { return Self.error(503, "Service Unavailable", "the push service is down") }
        let subscription = simulator.state.withLock { $0.subscriptions[subscriptionId] }
        guard let subscription else { return Self.error(404, "Not Found", "no such subscription") }
        if simulator.isDead(.webpush, subscriptionId) { return Self.error(410, "Gone", "the subscription has expired") }
        do {
            try VAPIDCheck.verify(headers.value("Authorization"), origin: simulator.baseURL, expectedKey: subscription.applicationServerKey)
        } catch .unauthorized(let reason) {
            return Self.error(401, "Unauthorized", reason)
        } catch .forbidden(let reason) {
            return Self.error(403, "Forbidden", reason)
        }
        guard let ttl = headers.value("TTL"), let seconds = Int(ttl), seconds >= 0 else {
            return Self.error(400, "Bad Request", "a TTL header (seconds) is required")
        }
        guard headers.value("Content-Encoding")?.lowercased() == "aes128gcm" else {
            return Self.error(400, "Bad Request", "Content-Encoding must be aes128gcm")
        }
        if let urgency = headers.value("Urgency"), !Self.urgencies.contains(urgency) {
            return Self.error(400, "Bad Request", "Urgency must be very-low, low, normal or high")
        }
        guard let body = await SimResponse.body(of: request), body.count <= Self.maxPayload else {
            return Self.error(413, "Payload Too Large", "at most \(Self.maxPayload) bytes")
        }
        switch simulator.admit(.webpush) {
        case .throttled: return Self.error(429, "Too Many Requests", "slow down", headers: [("Retry-After", "1")])
        case .failure: return Self.error(500, "Internal Server Error", "the push service failed")
        case .pass: break
        }
        let plaintext: [UInt8]
        do {
            plaintext = try WebPushDecryptor.decrypt(body, for: subscription)
        } catch {
            return Self.error(400, "Bad Request", "cannot decrypt: \(error)")
        }
        let topic = headers.value("Topic")
        let message = SimulatedMessage(
            provider: Provider.webpush.rawValue, recipient: subscriptionId, text: String(decoding: plaintext, as: UTF8.self),
            idempotencyKey: topic, messageId: RandomText.token(bytes: 16)
        )
        _ = simulator.record(message, for: .webpush, key: topic.map { "\(subscriptionId)|\($0)" }, replace: true)
        return SimResponse.empty(201, headers: [("Location", simulator.baseURL + "/webpush/messages/" + message.messageId), ("TTL", String(seconds))])
    }

    /// Errors in the shape Mozilla's push service uses.
    static func error(_ status: Int, _ error: String, _ message: String, headers: [(String, String)] = []) -> Response {
        SimResponse.json(status, ["code": .int(status), "error": .string(error), "message": .string(message)], headers: headers)
    }
}
