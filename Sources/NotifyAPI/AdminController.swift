import Foundation
import Hummingbird
import NotifyCore
import NotifyStore

/// The support-staff API under /v1/admin: failures, timelines, replays, jobs and the audit log.
struct AdminController {
    let notifications: NotificationStore
    let failures: FailureQuery
    let replay: FailureReplay
    let jobs: ReplayJobStore
    let audit: AuditLog
    let catalogue: EventCatalogue

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("failures", use: listFailures)
        group.post("failures/replay", use: replayMany)
        group.post("failures/:id/replay", use: replayOne)
        group.get("notifications/:id", use: showNotification)
        group.get("jobs/:jobId", use: showJob)
        group.get("audit", use: listAudit)
    }

    struct FailureView: Encodable, Sendable {
        let id: String
        let notificationId: String
        let channel: String
        let eventId: String
        let eventType: String
        let entity: String
        let attempts: Int
        let error: String
        let failedAt: Date
        /// The notification's status now; `purged` once its record is past retention (not `expired`, a status of its own).
        let status: String
    }

    struct Page<Item: Encodable & Sendable>: Encodable, Sendable {
        let items: [Item]
        let next: String?
    }

    /// GET /v1/admin/failures?channel&eventType&since&cursor&limit, newest first.
    @Sendable func listFailures(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Page<FailureView>> {
        _ = try context.requireStaff()
        let q = request.uri.queryParameters
        var problems: [FieldError] = []
        let filter = FailureFilterInput.parse(channel: q.get("channel"), eventType: q.get("eventType"), since: q.get("since"),
                                              catalogue: catalogue, problems: &problems)
        let limit = Self.limit(q.get("limit"), problems: &problems)
        let cursor = q.get("cursor")
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        let page = try await failures.page(filter, cursor: cursor, limit: limit)
        return JSONResponse(Page(items: page.items.map { item in
            FailureView(id: item.id, notificationId: item.letter.notificationId, channel: item.letter.channel.rawValue, eventId: item.letter.eventId,
                        eventType: item.letter.eventType, entity: item.letter.entity, attempts: item.letter.attempts, error: item.letter.lastError,
                        failedAt: item.letter.failedAt, status: item.status?.rawValue ?? "purged")
        }, next: page.next))
    }

    struct NotificationView: Encodable, Sendable {
        let id: String
        let eventId: String
        let eventType: String
        let entity: String
        let cpr: String
        let channel: String
        let status: String
        let attempts: Int
        let reference: String?
        let createdAt: Date
        let timeline: [TimelineEntry]
    }

    /// GET /v1/admin/notifications/{id}?reason: any entity's notification; the read is audited.
    @Sendable func showNotification(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<NotificationView> {
        let staff = try context.requireStaff()
        let id = context.parameters.get("id") ?? ""
        let reason = try Self.reason(request.uri.queryParameters.get("reason"), required: false)
        guard let (n, timeline, _) = try await notifications.load(id) else { throw NotifyError.notFound("no notification \(id.prefix(64))") }
        // Recorded before the data goes out: a read that cannot be audited does not happen.
        try await audit.append(AuditEntry(staff: staff.id, role: staff.role, action: "read", target: n.id, reason: reason ?? "(none given)", outcome: "read"))
        return JSONResponse(NotificationView(id: n.id, eventId: n.eventId, eventType: n.eventType, entity: n.entity, cpr: n.cpr.value,
                                             channel: n.channel.rawValue, status: n.status.rawValue, attempts: n.attempts, reference: n.reference,
                                             createdAt: n.createdAt, timeline: timeline))
    }

    /// GET /v1/admin/audit?cursor&limit, newest first.
    @Sendable func listAudit(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Page<AuditEntry>> {
        _ = try context.requireStaff()
        let q = request.uri.queryParameters
        var problems: [FieldError] = []
        let limit = Self.limit(q.get("limit"), problems: &problems)
        let cursor = q.get("cursor")
        if let cursor, !AuditLog.isCursor(cursor) { problems.append(FieldError(field: "cursor", detail: "is not a cursor this listing gave")) }
        guard problems.isEmpty else { throw NotifyError.invalid(problems) }
        let page = try await audit.page(cursor: cursor, limit: limit)
        return JSONResponse(Page(items: page.items, next: page.next))
    }

    static func limit(_ text: String?, problems: inout [FieldError]) -> Int {
        let limit = text.map { Int($0) ?? 0 } ?? 50
        if !(1...200).contains(limit) { problems.append(FieldError(field: "limit", detail: "must be a whole number from 1 to 200")) }
        return limit
    }

    /// A staff reason: trimmed, 1 to 500 characters; nil when absent and not required.
    static func reason(_ text: String?, required: Bool) throws -> String? {
        // The limit is the document's maxLength: code points of the value as sent, before any trimming.
        guard (text?.unicodeScalars.count ?? 0) <= 500 else { throw NotifyError.invalid("reason", "must be at most 500 characters") }
        let trimmed = text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if trimmed.isEmpty {
            if required { throw NotifyError.invalid("reason", "is required: say why (it goes into the audit log)") }
            return nil
        }
        return trimmed
    }
}
