import Foundation
import Hummingbird
import Transport

/// APNs' provider API on the HTTP/2 listener: `POST /3/device/{token}` with a provider token.
struct APNsRoutes {
    static let maxPayload = 4096
    static let pushTypes: Set = ["alert", "background", "voip", "complication", "fileprovider", "mdm", "liveactivity", "location", "pushtotalk", "widgets", "controls"]

    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("3/device/:token") { request, context in
            try await send(request, deviceToken: context.parameters.get("token") ?? "")
        }
    }

    func send(_ request: Request, deviceToken: String) async throws -> Response {
        let headers = request.headers
        let apnsId = headers.value("apns-id") ?? UUID.random().uuidString.lowercased()
        func reject(_ status: Int, _ reason: String, timestamp: Bool = false) -> Response {
            var body: [String: JSON] = ["reason": .string(reason)]
            if timestamp { body["timestamp"] = .int(Int(Date().timeIntervalSince1970 * 1000)) }
            return SimResponse.json(status, .object(body), headers: [("apns-id", apnsId)])
        }
        try await simulator.applyLatency(.apns)
        if simulator.isInOutage(.apns) { return reject(503, "ServiceUnavailable") }
        switch APNsProviderToken.check(headers.value("authorization"), simulator: simulator) {
        case .missing: return reject(403, "MissingProviderToken")
        case .invalid: return reject(403, "InvalidProviderToken")
        case .expired: return reject(403, "ExpiredProviderToken")
        case .valid: break
        }
        guard let topic = headers.value("apns-topic") else { return reject(400, "MissingTopic") }
        guard topic == simulator.baseCredentials.apns.topic else { return reject(400, "BadTopic") }
        if let id = headers.value("apns-id"), UUID(uuidString: id) == nil { return reject(400, "BadMessageId") }
        if let type = headers.value("apns-push-type"), !Self.pushTypes.contains(type) { return reject(400, "InvalidPushType") }
        if let priority = headers.value("apns-priority"), !["1", "5", "10"].contains(priority) { return reject(400, "BadPriority") }
        if let expiration = headers.value("apns-expiration"), Int(expiration) == nil { return reject(400, "BadExpirationDate") }
        if deviceToken.isEmpty { return reject(400, "MissingDeviceToken") }
        if deviceToken.hasPrefix("bad0") { return reject(400, "BadDeviceToken") }
        guard let payload = await SimResponse.body(of: request), payload.count <= Self.maxPayload else {
            return reject(413, "PayloadTooLarge")
        }
        guard !payload.isEmpty else { return reject(400, "PayloadEmpty") }
        guard let json = JSON.parse(payload), json["aps"]?.object != nil else { return reject(400, "BadPayload") }
        switch simulator.admit(.apns) {
        case .throttled: return reject(429, "TooManyRequests")
        case .failure: return reject(500, "InternalServerError")
        case .pass: break
        }
        if deviceToken.hasPrefix("dead") || simulator.isDead(.apns, deviceToken) {
            return reject(410, "Unregistered", timestamp: true)
        }
        let alert = json["aps"]?["alert"]
        let message = SimulatedMessage(
            provider: Provider.apns.rawValue, recipient: deviceToken,
            title: alert?["title"]?.string, body: alert?.string ?? alert?["body"]?.string,
            payload: String(decoding: payload, as: UTF8.self), idempotencyKey: apnsId, messageId: apnsId
        )
        _ = simulator.record(message, for: .apns, key: apnsId.lowercased())
        return SimResponse.empty(200, headers: [("apns-id", apnsId)])
    }
}
