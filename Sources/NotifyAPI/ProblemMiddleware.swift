import Hummingbird
import Logging
import NotifyCore
import Redis

/// Turns every error into `application/problem+json`; unexpected ones become a 500 without details.
struct ProblemMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as NotifyError {
            if error.httpStatus >= 500 { context.logger.error("request failed", metadata: ["error": "\(error.detail)"]) }
            return Problem(error).response(retryAfter: error.retryAfter)
        } catch let error as any HTTPResponseError {
            let kind = error.status == .notFound ? "not-found" : error.status == .methodNotAllowed ? "method-not-allowed" : "http"
            let detail = error.status == .notFound ? "no such resource: \(request.uri.path)" : error.status.reasonPhrase
            return Problem(status: Int(error.status.code), kind: kind, detail: detail).response()
        } catch let error as RedisError {
            context.logger.error("request failed", metadata: ["error": "RedisError", "kind": "\(error.summary)"])
            return Self.internalError
        } catch {
            context.logger.error("request failed", metadata: ["error": "\(type(of: error))"])
            return Self.internalError
        }
    }

    private static var internalError: Response {
        Problem(status: 500, kind: "internal", detail: "the request could not be completed; nothing was lost, try again").response()
    }
}
