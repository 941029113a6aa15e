import Hummingbird
import NotifyCore

/// Authenticates support staff by an identity-provider token carrying a staff role, for `/v1/admin` routes.
struct StaffAuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let verifier: IdentityVerifier

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = BearerToken.from(request) else {
            throw NotifyError.unauthorized("send the staff token as 'Authorization: Bearer <token>'")
        }
        var context = context
        let staff = try await verifier.staff(token)
        context.staff = staff
        context.logger[metadataKey: "staff"] = "\(staff.id)"
        return try await next(request, context)
    }
}
