import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// GET /v1/notifications and /v1/notifications/{id}, scoped to the calling entity.
struct NotificationsController {
    let notifications: NotificationStore
    let events: EventStore
    let query: NotificationQuery

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("notifications", use: list)
        group.get("notifications/:id", use: show)
    }

    struct Shown: Encodable, Sendable {
        let id: String
        let eventId: String
        let eventType: String
        let cpr: String
        let channel: String
        let status: String
        let attempts: Int
        let createdAt: Date
        let timeline: [TimelineEntry]
    }

    @Sendable func show(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Shown> {
        let entity = try context.requireEntity()
        let id = context.parameters.get("id") ?? ""
        guard let (n, timeline, _) = try await notifications.load(id), n.entity == entity.entity else {
            throw NotifyError.notFound("no notification \(id.prefix(64))")
        }
        return JSONResponse(Shown(id: n.id, eventId: n.eventId, eventType: n.eventType, cpr: n.cpr.value, channel: n.channel.rawValue,
                                  status: n.status.rawValue, attempts: n.attempts, createdAt: n.createdAt, timeline: timeline))
    }
}
