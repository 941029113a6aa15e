import Hummingbird
import NotifyCore

/// Authenticates a resident by an identity-provider token for `/v1/me` routes.
struct ResidentAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let verifier: IdentityVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = BearerToken.from(request) else {
            throw NotifyError.unauthorized("send the identity token as 'Authorization: Bearer <token>'")
        }
        var context = context
        let cpr = try await verifier.resident(token)
        context.resident = cpr
        context.logger[metadataKey: "resident"] = "\(cpr.redacted)"
        return try await next(request, context)
    }
}
