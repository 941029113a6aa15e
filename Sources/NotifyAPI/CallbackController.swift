import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// PUT/GET/DELETE /v1/callback and POST /v1/callback/resume: where an entity hears of status changes.
struct CallbackController {
    let callbacks: CallbackStore
    let queue: CallbackQueue

    func register(on group: RouterGroup<AppRequestContext>) {
        group.put("callback", use: set)
        group.get("callback", use: show)
        group.delete("callback", use: remove)
        group.post("callback/resume", use: resume)
    }

    /// The callback's state; never the secret.
    struct View: Encodable, Sendable {
        let url: String
        let status: String
        let consecutiveFailures: Int
        let lastError: String?
        let suspendedAt: Date?
        /// Changes held while suspended, sent on resume.
        let held: Int
    }

    @Sendable func set(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<View> {
        let entity = try context.requireEntity()
        let body = try await JSONBody.decode(CallbackRequest.self, from: request, allowed: CallbackRequest.fields, maxBytes: 8 << 10)
        try body.validated()
        try await callbacks.set(entity: entity.entity, url: body.url, secret: body.secret)
        // Changes held under the old URL go to the new one.
        _ = try await callbacks.resume(entity: entity.entity, queue: queue)
        return JSONResponse(try await view(entity.entity))
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<View> {
        JSONResponse(try await view(try context.requireEntity().entity))
    }

    @Sendable func resume(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<View> {
        let entity = try context.requireEntity().entity
        _ = try await view(entity)
        let requeued = try await callbacks.resume(entity: entity, queue: queue)
        context.logger.info("entity callback resumed", metadata: ["requeued": "\(requeued)"])
        return JSONResponse(try await view(entity))
    }

    @Sendable func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard try await callbacks.remove(entity: try context.requireEntity().entity) else { throw NotifyError.notFound("no callback is set") }
        return Response(status: .noContent)
    }

    private func view(_ entity: String) async throws -> View {
        guard let c = try await callbacks.get(entity: entity) else { throw NotifyError.notFound("no callback is set; PUT /v1/callback first") }
        return View(url: c.url, status: c.suspended ? "suspended" : "active", consecutiveFailures: c.consecutiveFailures, lastError: c.lastError,
                    suspendedAt: c.suspendedAt, held: try await callbacks.parked(entity: entity))
    }
}
