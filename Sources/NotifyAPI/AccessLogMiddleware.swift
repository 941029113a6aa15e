import Hummingbird
import Logging

/// One line per request: method, route pattern, status and duration, under the request id Hummingbird puts on
/// the context's logger. The pattern, never the path: an unsubscribe token travels in the path.
struct AccessLogMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        do {
            let response = try await next(request, context)
            log(request, context, status: Int(response.status.code), since: started)
            return response
        } catch {
            log(request, context, status: (error as? any HTTPResponseError).map { Int($0.status.code) } ?? 500, since: started)
            throw error
        }
    }

    private func log(_ request: Request, _ context: Context, status: Int, since started: ContinuousClock.Instant) {
        let elapsed = ContinuousClock.now - started
        let ms = Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
        context.logger.info("request", metadata: [
            "method": "\(request.method.rawValue)", "route": "\(context.endpointPath ?? "unmatched")", "status": "\(status)",
            "ms": "\((ms * 10).rounded() / 10)",
        ])
    }
}
