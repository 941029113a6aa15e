import Foundation
import Hummingbird

/// The control API under `/_sim/`, for tests and tools that drive the simulator over HTTP.
struct ControlRoutes {
    let simulator: ProviderSimulator

    func register(on router: Router<BasicRequestContext>) {
        let group = router.group("_sim")
        group.get("counts") { _, _ in counts() }
        group.get("stats") { _, _ in
            let batches = simulator.gatewayBatches
            return SimResponse.json(200, [
                "tokenGrants": .int(simulator.tokenGrants), "apnsProviderTokens": .int(simulator.apnsProviderTokens),
                "gatewayBatches": .int(batches.requests), "gatewayBatchedMessages": .int(batches.messages),
            ])
        }
        group.get("messages") { request, _ in
            attempt { SimResponse.encoded(200, try simulator.messages(provider: request.uri.queryParameters["provider"].map(String.init) ?? "")) }
        }
        group.get("providers/:name") { _, context in
            attempt { SimResponse.encoded(200, simulator.behaviour(try Provider.named(context.parameters.get("name") ?? ""))) }
        }
        group.put("providers/:name") { request, context in
            let behaviour = try await decode(ProviderBehaviour.self, from: request)
            return attempt {
                try simulator.setBehaviour(behaviour, for: context.parameters.get("name") ?? "")
                return SimResponse.encoded(200, behaviour)
            }
        }
        group.post("webpush/subscriptions") { request, _ in
            let options = try await decode(SubscriptionOptions.self, from: request, emptyAs: SubscriptionOptions())
            let key = options.applicationServerKey.flatMap { Base64URL.decode($0) }
            return SimResponse.encoded(201, simulator.createWebPushSubscription(applicationServerKey: key))
        }
        group.post("dead") { request, _ in
            let dead = try await decode(DeadRecipient.self, from: request)
            return attempt {
                try simulator.markDead(provider: dead.provider, recipient: dead.recipient)
                return SimResponse.empty(204)
            }
        }
        group.post("reset") { _, _ in
            simulator.reset()
            return SimResponse.empty(204)
        }
    }

    private struct SubscriptionOptions: Decodable { var applicationServerKey: String? }
    private struct DeadRecipient: Decodable { var provider: String; var recipient: String }

    private func counts() -> Response {
        var all: [String: [String: Int]] = [:]
        for name in ProviderSimulator.providerNames { all[name] = (try? simulator.counts(provider: name)) ?? [:] }
        return SimResponse.encoded(200, all)
    }

    /// Turns a ``SimulatorError`` (an unknown provider name) into a 404.
    private func attempt(_ body: () throws -> Response) -> Response {
        do { return try body() } catch { return SimResponse.json(404, ["error": .string("\(error)")]) }
    }

    private func decode<T: Decodable>(_ type: T.Type, from request: Request, emptyAs empty: T? = nil) async throws -> T {
        guard let bytes = await SimResponse.body(of: request) else { throw HTTPError(.contentTooLarge) }
        if bytes.isEmpty, let empty { return empty }
        do {
            return try JSONDecoder().decode(T.self, from: Data(bytes))
        } catch {
            throw HTTPError(.badRequest, message: "body is not valid JSON for this endpoint: \(error)")
        }
    }
}
