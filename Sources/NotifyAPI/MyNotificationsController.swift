import Foundation
import Hummingbird
import NotifyCore
import NotifyStore
import Redis

/// GET /v1/me/notifications: the resident's own notifications, newest first, by cursor.
struct MyNotificationsController {
    let redis: RedisClient
    let notifications: NotificationStore
    static let pageSize = 20

    func register(on group: RouterGroup<AppRequestContext>) {
        group.get("notifications", use: list)
    }

    struct Item: Encodable, Sendable {
        let id: String
        let eventType: String
        let channel: String
        let status: String
        let createdAt: Date
        let subject: String?
        let body: String?
    }

    struct Page: Encodable, Sendable {
        let items: [Item]
        let next: String?
    }

    @Sendable func list(_ request: Request, context: AppRequestContext) async throws -> JSONResponse<Page> {
        let cpr = try context.requireResident()
        // The cursor is the score (milliseconds) of the last item seen; the next page starts strictly below it.
        var max = "+inf"
        if let cursor = request.uri.queryParameters.get("cursor") {
            guard let ms = Int(cursor), ms > 0 else { throw NotifyError.invalid("cursor", "must be a cursor from a previous page") }
            max = "(\(ms)"
        }
        let reply = try await redis.send("ZREVRANGEBYSCORE", Keys.residentNotifications(cpr), max, "-inf", "WITHSCORES", "LIMIT", 0, Self.pageSize)
        let flat = reply.array ?? []
        let ids = stride(from: 0, to: flat.count - 1, by: 2).compactMap { flat[$0].string }
        let lastScore = flat.count >= 2 ? flat[flat.count - 1].string : nil
        // The records alone, in one round trip: the list shows no timeline.
        let items = try await notifications.loadRecords(ids).compactMap { record in
            record.map { n, _ in
                Item(id: n.id, eventType: n.eventType, channel: n.channel.rawValue, status: n.status.rawValue,
                     createdAt: n.createdAt, subject: n.message?.subject, body: n.message?.body)
            }
        }
        let next = flat.count / 2 == Self.pageSize ? lastScore.flatMap { Double($0) }.map { String(Int($0)) } : nil
        return JSONResponse(Page(items: items, next: next))
    }
}
