import Hummingbird
import NotifyCore
import NotifyStore

/// Authenticates an entity by its API key (looked up by hash) for entity routes.
struct EntityAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let keys: EntityKeyStore

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let secret = BearerToken.from(request) else {
            throw NotifyError.unauthorized("send the entity API key as 'Authorization: Bearer <key>'")
        }
        guard let key = try await keys.find(secret: secret) else {
            throw NotifyError.unauthorized("the API key is not valid or was revoked")
        }
        var context = context
        context.entity = key
        context.logger[metadataKey: "entity"] = "\(key.entity)"
        return try await next(request, context)
    }
}
