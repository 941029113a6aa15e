import Hummingbird
import NotifyCore
import NotifyStore

extension NotificationsController {
    struct Page: Encodable, Sendable {
        let items: [NotificationQuery.Item]
        let next: String?
    }

    /// GET /v1/notifications?eventId&status&reference&cursor&limit, the calling entity's only.
    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Page> {
        let entity = try context.requireEntity()
        let q = request.uri.queryParameters
        var problems: [FieldError] = []
        var filter = NotificationQuery.Filter()
        if let s = q.get("status") {
            filter.status = NotificationStatus(rawValue: s)
            if filter.status == nil {
                problems.append(FieldError(field: "status", detail: "must be one of \(NotificationStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        let limit = q.get("limit").map { Int($0) ?? 0 } ?? 50
        if !(1...500).contains(limit) { problems.append(FieldError(field: "limit", detail: "must be a whole number from 1 to 500")) }
        if let reference = q.get("reference") {
            if reference.isEmpty || reference.count > 128 { problems.append(FieldError(field: "reference", detail: "must be 1 to 128 characters")) }
            filter.reference = reference
        }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        if let eventId = q.get("eventId") {
            // Another entity's event is as unknown as a missing one.
            guard try await events.summary(eventId)?["entity"] == entity.entity else { throw NotifyError.notFound("no event \(eventId.prefix(64))") }
            filter.eventId = eventId
        }
        let page = try await query.page(entity: entity.entity, filter: filter, cursor: q.get("cursor"), limit: limit)
        return JSONResponse(Page(items: page.items, next: page.next))
    }
}
