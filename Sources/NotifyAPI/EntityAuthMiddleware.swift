import Hummingbird
import NotifyConfig
import NotifyCore
import NotifyStore
import Metrics

/// Authenticates an entity by its API key (looked up by hash) and holds it to its request rate.
struct EntityAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: EntityKeyStore
    let limiter: RateLimiter
    let limits: NotifyConfiguration.Publishing

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = BearerToken.from(request) else {
            throw NotifyError.unauthorized("send the entity API key as 'Authorization: Bearer <key>'")
        }
        guard let key = try await keys.find(secret: secret) else {
            throw NotifyError.unauthorized("the API key is not valid or was revoked")
        }
        let rate = key.rate ?? limits.rate
        if let wait = try await limiter.take("key:\(key.id)", rate: rate, burst: max(limits.burst, rate)) {
            Counter(label: "notifyme_rate_limited_total", dimensions: [("scope", "entity-key")]).increment()
            let seconds = Int((Double(wait.components.seconds) + Double(wait.components.attoseconds) / 1e18).rounded(.up))
            throw NotifyError.tooManyRequests("this API key is over its rate of \(rate == rate.rounded() ? String(Int(rate)) : String(rate)) requests per second", retryAfter: max(1, seconds))
        }
        var context = context
        context.entity = key
        context.logger[metadataKey: "entity"] = "\(key.entity)"
        return try await next(request, context)
    }
}
