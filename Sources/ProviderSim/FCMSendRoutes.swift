import Foundation
import Hummingbird

/// FCM HTTP v1: `POST /v1/projects/{project}/messages:send` (under `/fcm`) with an OAuth bearer token.
struct FCMSendRoutes {
    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        router.post("fcm/v1/projects/:project/messages:send") { request, context in
            try await send(request, project: context.parameters.get("project") ?? "")
        }
    }

    func send(_ request: Request, project: String) async throws -> Response {
        try await simulator.applyLatency(.fcm)
        if simulator.isInOutage(.fcm) { return GoogleError.response(503, "UNAVAILABLE", "The service is currently unavailable.", fcmError: "UNAVAILABLE") }
        guard isAuthorized(request) else { return GoogleError.response(401, "UNAUTHENTICATED", GoogleError.unauthenticated) }
        let projectId = simulator.baseCredentials.fcm.projectId
        guard project == projectId else {
            return GoogleError.response(403, "PERMISSION_DENIED", "Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/\(project)' (or it may not exist).")
        }
        guard let bytes = await SimResponse.body(of: request), let json = JSON.parse(bytes), let message = json["message"]?.object else {
            return GoogleError.response(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name or missing \"message\".")
        }
        let targets = ["token", "topic", "condition"].compactMap { name in message[name]?.string.map { (name, $0) } }
        guard targets.count == 1, let (kind, target) = targets.first, !target.isEmpty else {
            return GoogleError.response(400, "INVALID_ARGUMENT", "Exactly one of message.token, message.topic or message.condition must be set.", fcmError: "INVALID_ARGUMENT")
        }
        if kind == "token", target.hasPrefix("invalid") {
            return GoogleError.response(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", fcmError: "INVALID_ARGUMENT")
        }
        switch simulator.admit(.fcm) {
        case .throttled:
            return GoogleError.response(429, "RESOURCE_EXHAUSTED", "Quota exceeded for sending messages.", fcmError: "QUOTA_EXCEEDED", headers: [("Retry-After", "1")])
        case .failure:
            return GoogleError.response(503, "UNAVAILABLE", "The service is currently unavailable.", fcmError: "UNAVAILABLE")
        case .pass: break
        }
        if kind == "token", target.hasPrefix("dead") || simulator.isDead(.fcm, target) {
            return GoogleError.response(404, "NOT_FOUND", "Requested entity was not found.", fcmError: "UNREGISTERED")
        }
        let name = "projects/\(projectId)/messages/"
        if json["validate_only"] == .bool(true) { return SimResponse.json(200, ["name": .string(name + "fake_message_id")]) }
        let notification = message["notification"]
        let recorded = SimulatedMessage(
            provider: Provider.fcm.rawValue, recipient: kind == "topic" ? "/topics/\(target)" : target,
            title: notification?["title"]?.string, body: notification?["body"]?.string,
            payload: String(decoding: JSON.object(message).bytes, as: UTF8.self),
            messageId: "0:\(Int(Date().timeIntervalSince1970 * 1_000_000))%\(RandomText.hex(16))"
        )
        // A device shows one notification per tag: a resend with the same tag replaces it, so it counts once.
        let tag = message["android"]?["notification"]?["tag"]?.string
        _ = simulator.record(recorded, for: .fcm, key: tag.map { "\(target)|\($0)" }, replace: true)
        return SimResponse.json(200, ["name": .string(name + recorded.messageId)])
    }

    /// A bearer token this simulator granted and that has not expired.
    private func isAuthorized(_ request: Request) -> Bool {
        guard let header = request.headers.value("Authorization"), header.lowercased().hasPrefix("bearer ") else { return false }
        let token = header.dropFirst(7).trimmingCharacters(in: .whitespaces)
        let now = ContinuousClock.now
        return simulator.state.withLock { $0.accessTokens[token].map { $0 > now } ?? false }
    }
}
