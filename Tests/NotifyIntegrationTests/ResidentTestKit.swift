import Foundation
import Hummingbird
import HummingbirdTesting
import NotifyAPI
import NotifyCore
import NotifyStore

/// Helpers for resident tests: an app over a test Redis, and the codes NotifyMe queued.
struct ResidentTestKit {
    let env: TestEnvironment
    let token: String
    let cpr: CPR

    static func with(_ body: @escaping @Sendable (ResidentTestKit, any TestClientProtocol) async throws -> Void) async throws {
        let env = try await TestEnvironment()
        defer { env.stop() }
        let kit = ResidentTestKit(env: env, token: try await env.residentToken("880101234"), cpr: try CPR("880101234"))
        try await Application(router: buildRouter(env.deps)).test(.router) { client in try await body(kit, client) }
    }

    /// The code in the newest verification event NotifyMe queued for `channel`.
    func latestCode(_ channel: Channel) async throws -> String? {
        let reply = try await env.redis.send("XREVRANGE", Keys.stream("events"), "+", "-")
        for entry in reply.array ?? [] {
            guard let fields = entry.array?.last?.array, fields.count >= 2, let id = fields[1].string,
                  let event = try await EventStore(redis: env.redis).load(id)?.event,
                  event.type == EventCatalogue.verificationCodeType, event.channel == channel,
                  case .string(let code)? = event.data["code"] else { continue }
            return code
        }
        return nil
    }

    func put(_ client: any TestClientProtocol, _ path: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: path, method: .put, headers: Req.headers(token), body: Req.body(body)) { ($0.status, Req.json($0.body)) }
    }

    func post(_ client: any TestClientProtocol, _ path: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: path, method: .post, headers: Req.headers(token), body: Req.body(body)) { ($0.status, Req.json($0.body)) }
    }

    func get(_ client: any TestClientProtocol, _ path: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: path, method: .get, headers: Req.headers(token)) { ($0.status, Req.json($0.body)) }
    }

    static func fields(_ json: [String: Any]) -> [String] {
        (json["errors"] as? [[String: Any]] ?? []).compactMap { $0["field"] as? String }
    }
}
